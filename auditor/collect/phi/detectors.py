"""PHI detectors in pure Python: regular expressions, check digits and context words.

A detector finds candidate values with a precompiled regular expression, rejects those that fail
the identifier's own validity rules (check digits, reserved ranges, calendar dates), and gives
each survivor a confidence that depends on whether a context word is near it: a key of a JSON
log line (``"ssn": ...``, ``patient.name``) or a word shortly before the value in plain text
(``DOB: 03/14/1962``). Some kinds (dates of birth, ICD-10 codes, record numbers, names) are so
common in shape that they count only in context.

A :class:`Detection` carries the detector's name, the confidence, a masked form and a salted hash
of the normalized value, never the value: the matched text is dropped inside :meth:`Scanner.scan`
before anything is returned.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.collect.phi.masking import Hasher, mask_initials, mask_keep_last
from auditor.collect.phi.patterns import (
    CONTEXT_WORDS,
    DATE,
    DIGIT_LED,
    DIGIT_LED_KINDS,
    EMAIL,
    EMAIL_SPEC,
    KEY_ONLY_WORDS,
    Spec,
    alnum_upper,
    builtin_specs,
    trie_regex,
    v_date,
)

#: Default confidence at or above which a detection counts.
DEFAULT_THRESHOLD = 0.7

#: Characters of plain text before a match searched for context words.
CONTEXT_WINDOW = 32


@dataclass(frozen=True, slots=True)
class Detection:
    """One value found in one log event. Holds no part of the value beyond its masked form."""

    detector: str
    confidence: float
    masked: str
    digest: str
    field: str | None = None


# ---------------------------------------------------------------- patient names (custom logic)

_NAME_WORD = r"(?:[A-Z]'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_NAME_BETWEEN = re.compile(r"(?:[ _-]?(?:full[ _-]?)?name)?[\W_]{0,4}")
_NAME_HOLDERS = ("patient", "member", "subscriber", "beneficiary", "guarantor", "insured")
_NAME_KEYS = frozenset(
    [*_NAME_HOLDERS, *(h + "name" for h in _NAME_HOLDERS)]
    + [p + "name" for p in ("first", "last", "given", "family", "full", "middle", "sur", "legal")]
)


def _is_name_key(path: str) -> bool:
    """True for key paths whose value is a person's name: patient_name, patient.name, lastName."""
    parent, _, last = path.rpartition(".")
    segment = last.lower().replace("_", "").replace("-", "")
    if segment in _NAME_KEYS:
        return True
    return segment == "name" and any(h in parent.lower() for h in _NAME_HOLDERS)


_NAME_PAIR = re.compile(
    r"(?<![\w'])(?:(?P<last>" + _NAME_WORD + r"), (?P<first>" + _NAME_WORD + r")"
    r"|(?P<f>" + _NAME_WORD + r")(?: [A-Z]\.?)? (?P<l>" + _NAME_WORD + r"))(?![\w'])"
)
_NAME_VALUE = re.compile(
    r"^\s*(?:(?P<last>" + _NAME_WORD + r"), (?P<first>" + _NAME_WORD + r")"
    r"|(?P<f>" + _NAME_WORD + r")(?: (?:[A-Z]\.? )?(?P<l>" + _NAME_WORD + r"))?)\s*$"
)


def _split(text: str) -> list[str]:
    return text.split()


#: Capitalized words that follow "patient" in logs without being a name.
_NOT_NAMES = frozenset(
    _split(
        """
    record records portal service services id ids info information data details detail search
    list lookup update updated create created delete deleted not found error errors request
    requests response session sessions login logout account accounts profile profiles summary
    chart charts file files import export sync batch job jobs queue event events api status
    check checks consent consents intake admission discharge transfer visit visits encounter
    encounters appointment appointments note notes message messages notification notifications
    portal app application mobile web the a an and or of to for with from by on in at is was
    new old first last name names count total number type types model models object objects
    identifier identifiers key keys token tokens cache index table query queries user users
    care team teams group groups schedule scheduler scheduled view views page pages report
    reports access denied allowed granted unknown none null true false ok success failed
    """
    )
)


def _name_ok(*words: str) -> bool:
    return all(w.lower() not in _NOT_NAMES for w in words)


# ---------------------------------------------------------------- the scanner


@dataclass(frozen=True, slots=True)
class _Custom:
    name: str
    pattern: re.Pattern[str]
    confidence: float


#: Every built-in detector, with what it finds.
DETECTORS: dict[str, str] = {
    "ssn": "US Social Security Number (valid area/group/serial ranges)",
    "mbi": "Medicare Beneficiary Identifier (CMS position rules)",
    "npi": "National Provider Identifier (Luhn check with the 80840 prefix), in context",
    "dea": "DEA registration number (check digit), in context",
    "payment_card": "Payment card number (issuer range, length, Luhn)",
    "dob": "Date of birth, in context",
    "phone": "US/NANP telephone number",
    "email": "Email address",
    "icd10": "ICD-10-CM diagnosis code, in context",
    "mrn": "Medical record number, in context",
    "patient_name": "Patient name, in context",
    "street_address": "US street address",
}


class UnknownDetector(ValueError):
    """A profile named a detector that does not exist."""


class _Keywords:
    """Finds the context words of the chosen detectors in lowercased text, in one pass."""

    def __init__(self, detectors: Iterable[str], keys: bool = False) -> None:
        owners: dict[str, set[str]] = {}
        self._right_bound: set[str] = set()
        for det in detectors:
            words = CONTEXT_WORDS.get(det, ()) + (KEY_ONLY_WORDS.get(det, ()) if keys else ())
            for word in words:
                clean = word.rstrip("$")
                owners.setdefault(clean, set()).add(det)
                if word.endswith("$") or len(clean) <= 3:
                    self._right_bound.add(clean)
        # A longer word that starts with a shorter one speaks for both ("patient id" -> mrn, names).
        self._owners: dict[str, frozenset[str]] = {
            w: frozenset().union(*(d for p, d in owners.items() if w.startswith(p))) for w in owners
        }
        self.pattern = re.compile(trie_regex(sorted(owners))) if owners else None

    def hits(self, lowered: str) -> Iterator[tuple[int, int, frozenset[str]]]:
        if self.pattern is None:
            return
        n = len(lowered)
        for m in self.pattern.finditer(lowered):
            s, e = m.span()
            if s > 0 and lowered[s - 1].isalpha():
                continue
            word = m.group(0)
            if word in self._right_bound and e < n and lowered[e].isalpha():
                continue
            yield s, e, self._owners[word]


_NO_DETECTORS: frozenset[str] = frozenset()
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

Candidate = tuple[
    int, int, float, str, str, str
]  # start, end, confidence, detector, normalized, masked


class Scanner:
    """Runs the chosen detectors over log events and returns masked, hashed detections.

    ``detectors`` names the built-in detectors that count (default: all of them); ``custom`` adds
    ``(name, regex, confidence)`` patterns. Detections below ``threshold`` are returned too (so
    their number can be reported); callers compare their confidence with :attr:`threshold`.
    """

    def __init__(
        self,
        detectors: Iterable[str] | None = None,
        custom: Sequence[Any] = (),
        hasher: Hasher | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        chosen = list(DETECTORS) if detectors is None else list(detectors)
        unknown = sorted(set(chosen) - set(DETECTORS))
        if unknown:
            raise UnknownDetector(
                f"unknown PHI detector(s) {', '.join(unknown)}; known: {', '.join(DETECTORS)}"
            )
        self.detectors: tuple[str, ...] = tuple(d for d in DETECTORS if d in chosen)
        specs = [s for s in builtin_specs() if s.detector in self.detectors]
        self._free = [s for s in specs if s.confidence > 0.0]
        self._digit_led = {k: s for k, s in DIGIT_LED_KINDS.items() if s.detector in self.detectors}
        self._ctx_only = [s for s in specs if s.confidence == 0.0]
        self._names = "patient_name" in self.detectors
        self._custom: list[tuple[str, re.Pattern[str], float]] = []
        for item in custom:
            name, regex, confidence = _custom_fields(item)
            if name in DETECTORS:
                raise UnknownDetector(
                    f"custom PHI pattern {name!r} reuses a built-in detector's name"
                )
            try:
                self._custom.append((name, re.compile(regex), float(confidence)))
            except re.error as exc:
                raise UnknownDetector(
                    f"custom PHI pattern {name!r}: invalid regex: {exc}"
                ) from None
        self.hasher = hasher or Hasher()
        self.threshold = threshold
        self._keywords = _Keywords(self.detectors)
        self._key_words = _Keywords(self.detectors, keys=True)
        self._key_cache: dict[str, frozenset[str]] = {}
        self._name_key_cache: dict[str, bool] = {}

    @property
    def names(self) -> tuple[str, ...]:
        """Every detector that runs: built-in and custom."""
        return self.detectors + tuple(c[0] for c in self._custom)

    # -- entry points

    def scan(self, message: str) -> list[Detection]:
        """Scan one log event's text: a JSON object or array is walked, anything else is text."""
        return self.scan_batch([message])[0]

    def scan_structured(self, value: Any) -> list[Detection]:
        """Scan an already parsed JSON value, with key paths as context."""
        return self.scan_segments([walk(value, "")])[0]

    def scan_batch(self, messages: Sequence[str]) -> list[list[Detection]]:
        """Scan many events at once (much faster than one by one); one result list per event."""
        return self.scan_segments([segments(m) for m in messages])

    def scan_segments(self, events: Sequence[Sequence[tuple[str, str]]]) -> list[list[Detection]]:
        """Scan events given as ``(key path, text)`` segments; ``""`` is the key of plain text.

        All segments are joined by newlines and each pattern runs once over the whole batch;
        matches are mapped back to their segment, and context never crosses a segment's edge.
        """
        texts: list[str] = []
        keys: list[str] = []
        owner: list[int] = []
        starts: list[int] = []
        pos = 0
        for index, event in enumerate(events):
            for key, text in event:
                if not text:
                    continue
                texts.append(text)
                keys.append(key)
                owner.append(index)
                starts.append(pos)
                pos += len(text) + 1
        results: list[list[Detection]] = [[] for _ in events]
        if not texts:
            return results
        big = "\n".join(texts)
        ends = [s + len(t) for s, t in zip(starts, texts, strict=True)]
        batch = _Batch(big, starts, ends, keys)
        # Where the context words are: per detector, sorted end offsets; and keys with context.
        kw_ends: dict[str, list[int]] = {}
        for _s, e, dets in self._keywords.hits(big.lower()):
            for det in dets:
                kw_ends.setdefault(det, []).append(e)
        key_dets: list[frozenset[str]] = []
        key_segs: dict[str, list[int]] = {}  # detector -> segments under a key giving it context
        name_segs: list[int] = []
        cache = self._key_cache
        for seg, key in enumerate(keys):
            if not key:
                key_dets.append(_NO_DETECTORS)
                continue
            cached = cache.get(key)
            dets = cached if cached is not None else self._key_detectors(key)
            key_dets.append(dets)
            for det in dets:
                key_segs.setdefault(det, []).append(seg)
            if self._names and self._is_name_key(key):
                name_segs.append(seg)
        found: dict[int, list[Candidate]] = {}

        if self._digit_led:
            kinds = self._digit_led
            for m in DIGIT_LED.finditer(big):
                spec = kinds.get(m.lastgroup or "")
                if spec is not None:
                    self._consider(
                        spec,
                        m=m,
                        batch=batch,
                        kw_ends=kw_ends.get(spec.detector, []),
                        key_dets=key_dets,
                        found=found,
                    )
        for spec in self._free:
            ends_for = kw_ends.get(spec.detector, [])
            for m in spec.pattern.finditer(big):
                self._consider(
                    spec, m=m, batch=batch, kw_ends=ends_for, key_dets=key_dets, found=found
                )
        if "email" in self.detectors:
            at = big.find("@")
            while at >= 0:
                seg = bisect_right(starts, at) - 1
                match = EMAIL.search(big, max(starts[seg], at - 64), min(ends[seg], at + 256))
                if match is not None and match.start() <= at < match.end():
                    self._consider(
                        EMAIL_SPEC, m=match, batch=batch, kw_ends=[], key_dets=key_dets, found=found
                    )
                    at = big.find("@", match.end())
                else:
                    at = big.find("@", at + 1)
        for spec in self._ctx_only:
            seen_starts: set[int] = set()
            for seg in key_segs.get(spec.detector, ()):
                for m in spec.pattern.finditer(big, starts[seg], ends[seg]):
                    if m.start() not in seen_starts:
                        seen_starts.add(m.start())
                        self._consider(
                            spec, m=m, batch=batch, kw_ends=[], key_dets=key_dets, found=found
                        )
            for e in kw_ends.get(spec.detector, ()):
                seg = bisect_right(starts, e) - 1
                if seg < 0 or e > ends[seg]:
                    continue
                stop = min(ends[seg], e + spec.window + 64)
                for m in spec.pattern.finditer(big, e, stop):
                    if m.start() > e + spec.window:
                        break
                    if m.end() == stop and stop != ends[seg]:
                        break  # may be cut short by the search window
                    if m.start() not in seen_starts:
                        seen_starts.add(m.start())
                        self._consider(
                            spec, m=m, batch=batch, kw_ends=[e], key_dets=key_dets, found=found
                        )
        if self._names:
            self._find_names(batch, texts, name_segs, kw_ends.get("patient_name", []), found)
        for name, pattern, confidence in self._custom:
            for m in pattern.finditer(big):
                value = m.group(0)
                seg = bisect_right(starts, m.start()) - 1
                if value and m.end() <= ends[seg]:
                    found.setdefault(seg, []).append(
                        (
                            m.start() - starts[seg],
                            m.end() - starts[seg],
                            confidence,
                            name,
                            value,
                            mask_keep_last(value, 2),
                        )
                    )
        self._resolve(found, owner, keys, results)
        return results

    # -- internals

    def _consider(
        self,
        spec: Spec,
        *,
        m: re.Match[str],
        batch: _Batch,
        kw_ends: list[int],
        key_dets: list[frozenset[str]],
        found: dict[int, list[Candidate]],
    ) -> None:
        start, end = m.span()
        seg = bisect_right(batch.starts, start) - 1
        seg_start = batch.starts[seg]
        if end > batch.ends[seg]:
            return  # crosses into the next segment
        checked = spec.validate(m)
        if checked is None:
            return
        confidence = checked[2] if len(checked) == 3 else spec.confidence
        if spec.detector in key_dets[seg]:
            confidence = spec.context_confidence
        elif kw_ends:
            i = bisect_right(kw_ends, start)
            if i > 0 and kw_ends[i - 1] >= max(seg_start, start - spec.window):
                confidence = spec.context_confidence
        if confidence > 0.0:
            found.setdefault(seg, []).append(
                (
                    start - seg_start,
                    end - seg_start,
                    confidence,
                    spec.detector,
                    checked[0],
                    checked[1],
                )
            )

    def _find_names(
        self,
        batch: _Batch,
        texts: list[str],
        name_segs: list[int],
        kw_ends: list[int],
        found: dict[int, list[Candidate]],
    ) -> None:
        named: set[int] = set()
        for seg in name_segs:
            text = texts[seg]
            m = _NAME_VALUE.match(text)
            if not m:
                continue
            words = [m["first"], m["last"]] if m["last"] else [w for w in (m["f"], m["l"]) if w]
            if _name_ok(*words):
                named.add(seg)
                found.setdefault(seg, []).append(
                    (
                        0,
                        len(text),
                        0.9,
                        "patient_name",
                        " ".join(words).lower(),
                        mask_initials(text.strip()),
                    )
                )
        big = batch.big
        for e in kw_ends:
            seg = bisect_right(batch.starts, e) - 1
            if seg < 0 or seg in named or e > batch.ends[seg]:
                continue
            gap = _NAME_BETWEEN.match(big, e, batch.ends[seg])
            if gap is None:
                continue
            m = _NAME_PAIR.match(big, gap.end(), batch.ends[seg])
            if m is None:
                continue
            first, last = (m["first"], m["last"]) if m["last"] else (m["f"], m["l"])
            if not _name_ok(first, last):
                continue
            seg_start = batch.starts[seg]
            found.setdefault(seg, []).append(
                (
                    m.start() - seg_start,
                    m.end() - seg_start,
                    0.85,
                    "patient_name",
                    f"{first} {last}".lower(),
                    mask_initials(m.group(0)),
                )
            )

    def _resolve(
        self,
        found: dict[int, list[Candidate]],
        owner: list[int],
        keys: list[str],
        results: list[list[Detection]],
    ) -> None:
        digest = self.hasher.digest
        seen: dict[int, set[tuple[str, str]]] = {}
        for seg in sorted(found):
            candidates = found[seg]
            # Where matches overlap, the most confident one wins.
            candidates.sort(key=lambda c: (-c[2], c[0]))
            taken: list[tuple[int, int]] = []
            event = owner[seg]
            field = keys[seg] or None
            already = seen.setdefault(event, set())
            for start, end, confidence, detector, normalized, masked in candidates:
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                hashed = digest(normalized)
                if (detector, hashed) in already:
                    continue
                already.add((detector, hashed))
                results[event].append(Detection(detector, confidence, masked, hashed, field))

    def _key_detectors(self, key: str) -> frozenset[str]:
        if not key:
            return frozenset()
        hit = self._key_cache.get(key)
        if hit is None:
            lowered = _CAMEL.sub("_", key).lower()
            hit = frozenset().union(*(dets for _s, _e, dets in self._key_words.hits(lowered)))
            if len(self._key_cache) < 100_000:
                self._key_cache[key] = hit
        return hit

    def _is_name_key(self, key: str) -> bool:
        hit = self._name_key_cache.get(key)
        if hit is None:
            hit = _is_name_key(key)
            if len(self._name_key_cache) < 100_000:
                self._name_key_cache[key] = hit
        return hit


@dataclass(frozen=True, slots=True)
class _Batch:
    big: str
    starts: list[int]
    ends: list[int]
    keys: list[str]


def segments(message: str) -> list[tuple[str, str]]:
    """A log event as ``(key path, text)`` pieces: JSON is walked, other text is one piece."""
    if message[:1] in ("{", "[") or message.lstrip()[:1] in ("{", "["):
        try:
            return walk(json.loads(message), "")
        except (ValueError, RecursionError):
            pass  # not JSON (or nested too deep to walk): scanned as text
    return [("", message)]


def _custom_fields(item: Any) -> tuple[str, str, float]:
    if isinstance(item, dict):
        return str(item["name"]), str(item["regex"]), float(item.get("confidence", 0.8))
    return str(item.name), str(item.regex), float(item.confidence)


def walk(value: Any, path: str) -> list[tuple[str, str]]:
    """Every string and number in a parsed JSON value, with its dotted key path."""
    out: list[tuple[str, str]] = []
    _walk_into(value, path, out)
    return out


def _walk_into(value: Any, path: str, out: list[tuple[str, str]]) -> None:
    kind = type(value)
    if kind is str:
        out.append((path, value))
    elif kind is dict:
        prefix = path + "." if path else ""
        for k, v in value.items():
            _walk_into(v, prefix + k if type(k) is str else prefix + str(k), out)
    elif kind is list or kind is tuple:
        for v in value:
            _walk_into(v, path, out)
    elif kind is int or kind is float or isinstance(value, str):
        out.append((path, str(value)))
    elif isinstance(value, dict):
        _walk_into(dict(value), path, out)
    elif isinstance(value, list | tuple):
        _walk_into(list(value), path, out)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.append((path, str(value)))


def normalize(detector: str, raw: str) -> str:
    """The normalized form of a known value, as its detector hashes it (for tests and corpora)."""
    if detector in ("ssn", "npi", "payment_card"):
        return "".join(ch for ch in raw if ch.isdigit())
    if detector == "phone":
        digits = "".join(ch for ch in raw if ch.isdigit())
        return digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    if detector in ("mbi", "dea", "mrn", "icd10"):
        return alnum_upper(raw)
    if detector == "email":
        return raw.lower()
    if detector == "dob":
        m = DATE.search(raw)
        checked = v_date(m) if m else None
        return checked[0] if checked else raw
    if detector == "patient_name":
        if "," in raw:
            last, _, first = raw.partition(",")
            raw = f"{first.strip()} {last.strip()}"
        words = [w for w in raw.split() if not re.fullmatch(r"[A-Z]\.?", w)]
        return " ".join(words).lower()
    if detector == "street_address":
        return " ".join(raw.lower().split())
    return raw


__all__ = [
    "DEFAULT_THRESHOLD",
    "DETECTORS",
    "Detection",
    "Scanner",
    "UnknownDetector",
    "normalize",
    "segments",
    "walk",
]
