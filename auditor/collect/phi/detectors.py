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
from dataclasses import dataclass, field
from typing import Any

from auditor.collect.phi import addresses, gazetteer, names, phones
from auditor.collect.phi.masking import (
    Hasher,
    mask_address,
    mask_initials,
    mask_keep_last,
)
from auditor.collect.phi.passes import CAPITALS, DIGITS, PHONE_AT
from auditor.collect.phi.patterns import (
    CONTEXT_WORDS,
    DATE,
    DIGIT_LED_KINDS,
    EMAIL,
    EMAIL_SPEC,
    KEY_ONLY_WORDS,
    STREET_TYPE_WORDS,
    Spec,
    alnum_upper,
    builtin_specs,
    trie_regex,
    v_date,
)
from auditor.collect.phi.text import MAX_SEGMENT_CHARS, key_zones, map_span, unescape

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
    #: Where it was: the index of the event's segment, and the span in that segment's text as
    #: given (escapes and all). Offsets only, never the characters.
    segment: int = 0
    start: int = -1
    end: int = -1
    #: How it was found: ``luhn-iin``, ``phonenumbers``, ``gazetteer``, ``key``, ``context``...
    method: str = ""


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
    "payment_card": "Payment card number of every major network (IIN range, length, Luhn)",
    "dob": "Date of birth in the formats people write, in context",
    "phone": "Telephone number of any country (phonenumbers), with extensions",
    "email": "Email address",
    "icd10": "ICD-10-CM diagnosis code, in context",
    "mrn": "Medical record number, in context",
    "patient_name": "Person name (gazetteer of given names and surnames, structure, keys)",
    "street_address": "Street address (US, international, military APO/FPO/DPO)",
}


class UnknownDetector(ValueError):
    """A profile named a detector that does not exist."""


class _Keywords:
    """Finds the context words of the chosen detectors in lowercased text, in one pass.

    In text (``keys=False``) a word must stand at a left edge (the pattern starts at the edge
    character, so the engine skips ahead fast) and ``markers`` add words found the same way for
    other uses (street-type words: ``@street``...), which the rules for context words below do
    not apply to.
    """

    def __init__(
        self,
        detectors: Iterable[str],
        keys: bool = False,
        markers: dict[str, Iterable[str]] | None = None,
    ) -> None:
        self.keys = keys
        owners: dict[str, set[str]] = {}
        self._right_bound: set[str] = set()
        for det in detectors:
            words = CONTEXT_WORDS.get(det, ()) + (KEY_ONLY_WORDS.get(det, ()) if keys else ())
            for word in words:
                clean = word.rstrip("$")
                owners.setdefault(clean, set()).add(det)
                if word.endswith("$") or len(clean) <= 4:
                    self._right_bound.add(clean)
        self._context_words = frozenset(owners)
        for marker, marked in (markers or {}).items():
            for word in marked:
                owners.setdefault(word.lower().rstrip(" "), set()).add(marker)
        self.markers = frozenset(markers or ())
        # A longer word that starts with a shorter one speaks for both ("patient id" -> mrn, names).
        self._owners: dict[str, frozenset[str]] = {
            w: frozenset().union(*(d for p, d in owners.items() if w.startswith(p))) for w in owners
        }
        self._marked: dict[str, frozenset[str]] = {
            w: dets & self.markers for w, dets in self._owners.items()
        }
        if not owners:
            self.pattern = None
        elif keys:
            self.pattern = re.compile(trie_regex(sorted(owners)))
        else:
            # The edge character, ASCII first (letters of other scripts are refused below).
            self.pattern = re.compile(r"[^a-z0-9_.\-/](" + trie_regex(sorted(owners)) + ")")

    def hits(self, lowered: str) -> Iterator[tuple[int, int, frozenset[str]]]:
        """``(start, end, owners)`` of each word; in text, ``lowered`` must start with an edge
        character (a newline) for a word at its very start to count."""
        if self.pattern is None:
            return
        n = len(lowered)
        keys = self.keys
        right_bound = self._right_bound
        for m in self.pattern.finditer(lowered):
            if keys:
                s, e = m.span()
                word = m.group(0)
                if s > 0 and lowered[s - 1].isalpha():
                    continue
                if word in right_bound and e < n and lowered[e].isalpha():
                    continue
                yield s, e, self._owners[word]
                continue
            s, e = m.span(1)
            if lowered[s - 1].isalnum():
                continue
            word = m.group(1)
            if e < n:
                # In text a context word stands alone: "sms-gateway", "phone_verify" and
                # "card.vault" name services, not values.
                after = lowered[e]
                nxt = lowered[e + 1] if e + 1 < n else ""
                if (
                    (after in "-_/" and not nxt.isdigit())
                    or (after == "." and nxt.isalnum())
                    or (after.isalnum() and (word in right_bound or after.isdigit()))
                ):
                    marked = self._marked[word]
                    if marked:
                        yield s, e, marked
                    continue
            yield s, e, self._owners[word]


_NO_DETECTORS: frozenset[str] = frozenset()


def _lower(text: str) -> str:
    """``text`` lowercased, one character for one (``İ``, the one letter whose lowercase is two
    characters, becomes ``i``), so offsets in the result are offsets in ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    lowered = text.replace("\u0130", "i").lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_LOCAL_PART_REVERSED = re.compile(r"[A-Za-z0-9._%+\-]{1,64}")
_LOCAL_PART_START = re.compile(r"[A-Za-z0-9]")
#: A telephone number in context, where a bare run of digits counts too.
_BARE_PHONE = Spec(
    "phone",
    phones.CANDIDATE,
    lambda m, g: None,
    0.0,
    0.9,
    starts=re.compile(r"[\d+(](?<![\w.\-/][\d+(])"),
)


def _window_matches(
    spec: Spec, text: str, lo: int, latest: int, hi: int
) -> Iterator[re.Match[str]]:
    """Non-overlapping matches of ``spec`` in ``text[lo:hi]`` that start before ``latest``, tried
    only where a value may start (far fewer positions than a search over the window)."""
    if spec.starts is None:
        for m in spec.pattern.finditer(text, lo, hi):
            if m.start() >= latest:
                return
            yield m
        return
    match_at = spec.pattern.match
    after = lo
    for s in spec.starts.finditer(text, lo, min(latest, hi)):
        pos = s.start()
        if pos < after:
            continue
        found = match_at(text, pos, hi)
        if found is not None:
            after = max(found.end(), pos + 1)
            yield found


#: start, end, confidence, detector, normalized, masked, method
Candidate = tuple[int, int, float, str, str, str, str]


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
        self._digit_led = {
            group: Spec(det, DIGITS, validate, conf, ctx_conf, group=group)
            for group, (det, validate, conf, ctx_conf) in DIGIT_LED_KINDS.items()
            if det in self.detectors
        }
        self._ctx_only = [s for s in specs if s.confidence == 0.0]
        self._names = "patient_name" in self.detectors
        self._phones = "phone" in self.detectors
        self._addresses = "street_address" in self.detectors
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
        self._keywords = _Keywords(
            self.detectors,
            markers=(
                {
                    "@street": addresses.PREFIX_WORDS,
                    "@military": addresses.MILITARY_WORDS,
                    "@street-after": addresses.SUFFIX_TYPE_WORDS,
                }
                if self._addresses
                else None
            ),
        )
        self._key_words = _Keywords(self.detectors, keys=True)
        self._key_cache: dict[str, frozenset[str]] = {}
        self._name_key_cache: dict[str, tuple[bool, bool]] = {}

    def prepare(self) -> None:
        """Load now what the chosen detectors otherwise load on first use: the name gazetteer,
        the telephone numbering plans and the address parser's model (about a second in all,
        once per process)."""
        if self._names:
            gazetteer.table()
        if self._phones:
            phones.load_metadata()
        if self._addresses:
            addresses.load_model()

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

    def scan_segments(
        self, events: Sequence[Sequence[tuple[str, str]]], dedupe: bool = True
    ) -> list[list[Detection]]:
        """Scan events given as ``(key path, text)`` segments; ``""`` is the key of plain text.

        Each text is read with its escapes undone (``\\n``, ``\\"``, ``\\u00e9``) and the
        values of the keys inside it (``"dob": ...``, ``phone=...``) found; all segments are
        joined by newlines and each pattern runs once over the whole batch; matches are mapped
        back to their segment, and context never crosses a segment's edge. ``dedupe`` keeps one
        detection per detector and value in an event.
        """
        texts: list[str] = []
        keys: list[str] = []
        owner: list[int] = []
        local: list[int] = []
        maps: list[list[int] | None] = []
        starts: list[int] = []
        pos = 1  # the batch text starts with a newline: a left edge for the first value
        for index, event in enumerate(events):
            for seg_index, (key, raw) in enumerate(event):
                if not raw:
                    continue
                if len(raw) > MAX_SEGMENT_CHARS:
                    raw = raw[:MAX_SEGMENT_CHARS]  # noqa: PLW2901
                if "\\" in raw:
                    text, offsets = unescape(raw)
                else:
                    text, offsets = raw, None
                texts.append(text)
                maps.append(offsets)
                keys.append(key)
                owner.append(index)
                local.append(seg_index)
                starts.append(pos)
                pos += len(text) + 1
        results: list[list[Detection]] = [[] for _ in events]
        if not texts:
            return results
        big = "\n" + "\n".join(texts)
        ends = [s + len(t) for s, t in zip(starts, texts, strict=True)]
        batch = _Batch(big, starts, ends, keys)
        # Keys inside the texts: zones of the batch whose values sit under a key.
        zones = key_zones(big)
        batch.zones = zones
        batch.zone_starts = [z[0] for z in zones]
        # Where the context words are: per detector, sorted end offsets; and where the words that
        # start or end a street are.
        kw_ends: dict[str, list[int]] = {}
        marks: dict[str, list[int]] = {}
        for s, e, dets in self._keywords.hits(_lower(big)):
            for det in dets:
                if det[0] == "@":
                    marks.setdefault(det, []).append(s)
                else:
                    kw_ends.setdefault(det, []).append(e)
        key_dets: list[frozenset[str]] = []
        key_spans: dict[str, list[tuple[int, int]]] = {}  # detector -> spans under a key for it
        name_spans: list[tuple[int, int, str]] = []
        street_spans: list[tuple[int, int]] = []  # values under a key that holds an address
        for seg, key in enumerate(keys):
            if not key:
                key_dets.append(_NO_DETECTORS)
                continue
            dets = self._key_detectors(key)
            key_dets.append(dets)
            for det in dets:
                key_spans.setdefault(det, []).append((starts[seg], ends[seg]))
            if self._names and self._is_name_key(key)[0]:
                name_spans.append((starts[seg], ends[seg], key))
            if self._addresses and addresses.address_key(key):
                street_spans.append((starts[seg], ends[seg]))
        batch.zone_dets = []
        for zs, ze, zkey in zones:
            dets = self._key_detectors(zkey)
            batch.zone_dets.append(dets)
            for det in dets:
                key_spans.setdefault(det, []).append((zs, ze))
            if self._names and self._is_name_key(zkey)[0]:
                name_spans.append((zs, ze, zkey))
            if self._addresses and addresses.address_key(zkey):
                street_spans.append((zs, ze))
        batch.key_dets = key_dets
        found: dict[int, list[Candidate]] = {}

        self._digit_pass(batch, kw_ends, key_spans, found)
        if self._names or self._addresses:
            self._capital_pass(batch)
        if "email" in self.detectors and "@" in big:
            # The local part is read backwards from each "@" (on the reversed text): the run of
            # local-part characters before it, at most 64, starting at a letter or digit.
            reversed_big = big[::-1]
            last = len(big) - 1
            at = big.find("@")
            done = 0
            while at >= 0:
                seg = bisect_right(starts, at) - 1
                run = _LOCAL_PART_REVERSED.match(reversed_big, last - at + 1) if seg >= 0 else None
                match = None
                if run is not None:
                    lo = max(starts[seg], at - (run.end() - run.start()), done)
                    first = _LOCAL_PART_START.search(big, lo, at)
                    if first is not None:
                        match = EMAIL.match(big, first.start(), min(ends[seg], at + 256))
                if match is not None and match.start() <= at < match.end():
                    self._consider(EMAIL_SPEC, m=match, batch=batch, kw_ends=[], found=found)
                    done = match.end()
                    at = big.find("@", match.end())
                else:
                    at = big.find("@", at + 1)
        if self._addresses:
            self._find_addresses(
                batch, kw_ends.get("street_address", []), marks, street_spans, found
            )
        for spec in self._ctx_only:
            seen_starts: set[int] = set()
            for lo, hi in key_spans.get(spec.detector, ()):
                for m in spec.pattern.finditer(big, lo, hi):
                    if m.start() not in seen_starts:
                        seen_starts.add(m.start())
                        self._consider(spec, m=m, batch=batch, kw_ends=[], found=found, keyed=True)
            for e in kw_ends.get(spec.detector, ()):
                seg = bisect_right(starts, e) - 1
                if seg < 0 or e > ends[seg]:
                    continue
                stop = min(ends[seg], e + spec.window + 64)
                for m in _window_matches(spec, big, e, min(stop, e + spec.window + 1), stop):
                    if m.end() == stop and stop != ends[seg]:
                        break  # may be cut short by the search window
                    if m.start() not in seen_starts:
                        seen_starts.add(m.start())
                        self._consider(spec, m=m, batch=batch, kw_ends=[e], found=found)
        if self._names:
            self._find_names(batch, name_spans, kw_ends.get("patient_name", []), found)
        for name, pattern, confidence in self._custom:
            for m in pattern.finditer(big, 1):
                value = m.group(0)
                seg = bisect_right(starts, m.start()) - 1
                if value and seg >= 0 and m.end() <= ends[seg]:
                    found.setdefault(seg, []).append(
                        (
                            m.start() - starts[seg],
                            m.end() - starts[seg],
                            confidence,
                            name,
                            value,
                            mask_keep_last(value, 2),
                            "custom",
                        )
                    )
        self._resolve(found, owner, batch, results, maps, local, dedupe)
        return results

    def _digit_pass(
        self,
        batch: _Batch,
        kw_ends: dict[str, list[int]],
        key_spans: dict[str, list[tuple[int, int]]],
        found: dict[int, list[Candidate]],
    ) -> None:
        """SSNs, cards, MBIs, telephone numbers and numbered streets, in one pass; then bare
        digit runs in a telephone number's context."""
        big = batch.big
        kinds = self._digit_led
        want_phones = self._phones
        want_streets = self._addresses
        phone_ends = kw_ends.get("phone", [])
        street_ends = kw_ends.get("street_address", [])
        phone_starts: set[int] = set()
        for m in DIGITS.finditer(big):
            kind = m.lastgroup
            if kind == "phone":
                if want_phones:
                    start, end = m.span("phone")
                    phone_starts.add(start)
                    self._phone(batch, start, end, phone_ends, found)
            elif kind == "addr":
                if want_streets:
                    start, end = m.span("addr")
                    self._address(
                        batch,
                        addresses.number_first(big, start, end, m.group("stype")),
                        street_ends,
                        found,
                    )
            elif kind is not None:
                spec = kinds.get(kind)
                if spec is not None:
                    self._consider(
                        spec, m=m, batch=batch, kw_ends=kw_ends.get(spec.detector, []), found=found
                    )
                if want_phones:
                    pm = PHONE_AT.match(big, m.start(kind))
                    if pm is not None:
                        start, end = pm.span("phone")
                        phone_starts.add(start)
                        self._phone(batch, start, end, phone_ends, found)
        if not want_phones:
            return
        # A bare run of digits is a telephone number only in context: after a context word, or
        # under a key that names one.
        # (from, to, latest start, whether the window may cut a number short)
        windows = [(lo, hi, hi, False) for lo, hi in key_spans.get("phone", ())]
        starts, ends = batch.starts, batch.ends
        for e in phone_ends:
            seg = bisect_right(starts, e) - 1
            if seg >= 0 and e <= ends[seg]:
                stop = min(ends[seg], e + CONTEXT_WINDOW + 64)
                windows.append((e, stop, e + CONTEXT_WINDOW, stop != ends[seg]))
        for lo, hi, latest, may_cut in windows:
            for m in _window_matches(_BARE_PHONE, big, lo, latest + 1, hi):
                start, end = m.span()
                if may_cut and end == hi:
                    break
                if start in phone_starts or not phones.boundary_ok(big, start, end):
                    continue
                phone_starts.add(start)
                self._phone(batch, start, end, phone_ends, found)

    # -- internals

    def _context(
        self, batch: _Batch, detector: str, start: int, end: int, kw_ends: list[int], window: int
    ) -> str | None:
        """``"key"`` or ``"context"`` when the span has context for ``detector``, else None."""
        seg = bisect_right(batch.starts, start) - 1
        if detector in batch.key_dets[seg]:
            return "key"
        zi = bisect_right(batch.zone_starts, start) - 1
        if zi >= 0:
            zs, ze, _ = batch.zones[zi]
            if zs <= start and end <= ze and detector in batch.zone_dets[zi]:
                return "key"
        if kw_ends:
            i = bisect_right(kw_ends, start)
            if i > 0 and kw_ends[i - 1] >= max(batch.starts[seg], start - window):
                return "context"
        return None

    def _consider(
        self,
        spec: Spec,
        *,
        m: re.Match[str],
        batch: _Batch,
        kw_ends: list[int],
        found: dict[int, list[Candidate]],
        keyed: bool = False,
    ) -> None:
        start, end = m.span(spec.group)
        seg = bisect_right(batch.starts, start) - 1
        if seg < 0 or end > batch.ends[seg]:
            return  # crosses into the next segment
        seg_start = batch.starts[seg]
        checked = spec.validate(m, spec.group)
        if checked is None:
            return
        confidence = checked[2] if len(checked) == 3 else spec.confidence
        method = _METHODS.get(spec.detector, "pattern")
        ctx = (
            "key"
            if keyed
            else self._context(batch, spec.detector, start, end, kw_ends, spec.window)
        )
        if ctx is not None:
            confidence = max(confidence, spec.context_confidence)
            if spec.confidence == 0.0:
                method = f"{method}+{ctx}"
        if confidence > 0.0:
            found.setdefault(seg, []).append(
                (
                    start - seg_start,
                    end - seg_start,
                    confidence,
                    spec.detector,
                    checked[0],
                    checked[1],
                    method,
                )
            )

    def _add(
        self,
        batch: _Batch,
        found: dict[int, list[Candidate]],
        start: int,
        end: int,
        confidence: float,
        detector: str,
        normalized: str,
        masked: str,
        method: str,
    ) -> None:
        seg = bisect_right(batch.starts, start) - 1
        if seg < 0 or end > batch.ends[seg] or confidence <= 0.0:
            return
        base = batch.starts[seg]
        found.setdefault(seg, []).append(
            (start - base, end - base, confidence, detector, normalized, masked, method)
        )

    @staticmethod
    def _capital_pass(batch: _Batch) -> None:
        """Runs of capitalised words (names are judged from them), words ending in a street
        type (also inside such runs) and postcodes, in one pass."""
        big = batch.big
        runs, fused, postcodes = batch.runs, batch.fused, batch.postcodes
        for m in CAPITALS.finditer(big):
            kind = m.lastgroup
            if kind == "name":
                start, end = m.span()
                runs.append((start, end))
                for w in addresses.FUSED_WORDS.finditer(big, start, end):
                    fused.append(w.span())
            elif kind == "fused":
                fused.append(m.span())
            else:
                postcodes.append(m.span())

    def _phone(
        self,
        batch: _Batch,
        start: int,
        end: int,
        kw_ends: list[int],
        found: dict[int, list[Candidate]],
    ) -> None:
        raw = batch.big[start:end]
        ctx = self._context(batch, "phone", start, end, kw_ends, CONTEXT_WINDOW)
        if ctx is None and raw.isdigit():
            return  # a bare run of digits counts only in context
        judged = phones.judge(raw, ctx is not None)
        if judged is None:
            return
        normalized, confidence = judged
        if ctx is not None:
            confidence = max(confidence, 0.9)
        self._add(
            batch,
            found,
            start,
            end,
            confidence,
            "phone",
            normalized,
            mask_keep_last(raw, 4),
            "phonenumbers" + (f"+{ctx}" if ctx else ""),
        )

    def _find_addresses(
        self,
        batch: _Batch,
        kw_ends: list[int],
        marks: dict[str, list[int]],
        street_spans: list[tuple[int, int]],
        found: dict[int, list[Candidate]],
    ) -> None:
        """Streets and military addresses not led by a house number (those come from the digit
        pass): words ending in a street type and postcodes (the capital pass), the streets and
        military addresses after the words the word pass marked; and by context, whatever their
        shape: a value under an address key, and the address words right after a context word
        (``ship to``, ``home address:``)."""
        big = batch.big
        for lo, hi in street_spans:
            confidence = addresses.judge_value(big[lo:hi])
            if confidence is not None:
                value = big[lo:hi].strip()
                start = lo + big[lo:hi].index(value[0])
                self._street(batch, found, start, start + len(value), confidence, "key")
        starts, ends = batch.starts, batch.ends
        for e in kw_ends:
            seg = bisect_right(starts, e) - 1
            if seg >= 0 and e <= ends[seg]:
                hit = addresses.after_context(big, e, ends[seg])
                if hit is not None:
                    self._street(batch, found, hit[0], hit[1], hit[2], f"{hit[3]}+context")
        for start, end in batch.fused:
            self._address(batch, addresses.fused(big, start, end), kw_ends, found)
        for start, end in batch.postcodes:
            self._address(batch, (start, end, 0.72, "postcode"), kw_ends, found)
        for pos in marks.get("@street", ()):
            if big.startswith(addresses.PREFIX_WORDS, pos):
                self._address(batch, addresses.prefix_first(big, pos), kw_ends, found)
        after = [
            pos - 1
            for pos in marks.get("@street-after", ())
            if big[pos - 1] == " " and big.startswith(addresses.SUFFIX_TYPE_WORDS, pos)
        ]
        for hit in addresses.suffix_words(big, after):
            self._address(batch, hit, kw_ends, found)
        for pos in marks.get("@military", ()):
            if big.startswith(addresses.MILITARY_WORDS, pos):
                self._address(batch, addresses.military(big, pos), kw_ends, found)

    def _address(
        self,
        batch: _Batch,
        hit: addresses.Found | None,
        kw_ends: list[int],
        found: dict[int, list[Candidate]],
    ) -> None:
        if hit is None:
            return
        start, end, confidence, method = hit
        ctx = self._context(batch, "street_address", start, end, kw_ends, 40)
        if ctx is not None:
            confidence = max(confidence, 0.85) if confidence else 0.8
            method = f"{method}+{ctx}"
        self._street(batch, found, start, end, confidence, method)

    def _street(
        self,
        batch: _Batch,
        found: dict[int, list[Candidate]],
        start: int,
        end: int,
        confidence: float,
        method: str,
    ) -> None:
        value = batch.big[start:end]
        self._add(
            batch,
            found,
            start,
            end,
            confidence,
            "street_address",
            " ".join(value.lower().split()),
            mask_address(value, STREET_TYPE_WORDS),
            method,
        )

    def _find_names(
        self,
        batch: _Batch,
        name_spans: list[tuple[int, int, str]],
        kw_ends: list[int],
        found: dict[int, list[Candidate]],
    ) -> None:
        big = batch.big
        covered: list[tuple[int, int]] = []
        for lo, hi, key in name_spans:
            certain = self._is_name_key(key)[1]
            judged = names.judge_value(big[lo:hi], certain)
            if judged is None:
                continue
            confidence, normalized = judged
            covered.append((lo, hi))
            self._add(
                batch,
                found,
                lo,
                hi,
                confidence,
                "patient_name",
                normalized,
                mask_initials(big[lo:hi].strip()),
                "key" if certain else "gazetteer+key",
            )
        covered.sort()
        cover_starts = [c[0] for c in covered]
        for start, end, s, titled, normalized in names.judge_runs(big, batch.runs):
            i = bisect_right(cover_starts, start) - 1
            if i >= 0 and covered[i][0] <= start and end <= covered[i][1]:
                continue
            method = "gazetteer"
            confidence = s
            if titled and s >= 0.4:
                confidence, method = max(s, 0.85), "gazetteer+title"
            elif s >= 0.5:
                ctx = self._context(batch, "patient_name", start, end, kw_ends, 24)
                if ctx is not None:
                    confidence, method = max(s + 0.1, 0.85), f"gazetteer+{ctx}"
            self._add(
                batch,
                found,
                start,
                end,
                min(confidence, 0.95),
                "patient_name",
                normalized,
                mask_initials(big[start:end]),
                method,
            )

    def _resolve(
        self,
        found: dict[int, list[Candidate]],
        owner: list[int],
        batch: _Batch,
        results: list[list[Detection]],
        maps: list[list[int] | None],
        local: list[int],
        dedupe: bool,
    ) -> None:
        digest = self.hasher.digest
        seen: dict[int, set[tuple[str, str]]] = {}
        for seg in sorted(found):
            candidates = found[seg]
            # Where matches overlap, the most confident one wins (then the longer one).
            candidates.sort(key=lambda c: (-c[2], c[0] - c[1], c[0]))
            taken: list[tuple[int, int]] = []
            event = owner[seg]
            seg_key = batch.keys[seg] or None
            base = batch.starts[seg]
            already = seen.setdefault(event, set())
            kept: list[tuple[int, Detection]] = []
            for start, end, confidence, detector, normalized, masked, method in candidates:
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                hashed = digest(normalized)
                if dedupe and (detector, hashed) in already:
                    continue
                already.add((detector, hashed))
                raw_start, raw_end = map_span(maps[seg], start, end)
                field = seg_key
                zi = bisect_right(batch.zone_starts, base + start) - 1
                if (
                    zi >= 0
                    and batch.zones[zi][0] <= base + start
                    and base + end <= batch.zones[zi][1]
                ):
                    zkey = batch.zones[zi][2]
                    field = f"{seg_key}.{zkey}" if seg_key else zkey
                kept.append(
                    (
                        start,
                        Detection(
                            detector,
                            confidence,
                            masked,
                            hashed,
                            field,
                            local[seg],
                            raw_start,
                            raw_end,
                            method,
                        ),
                    )
                )
            kept.sort(key=lambda item: item[0])
            results[event].extend(d for _, d in kept)

    def _key_detectors(self, key: str) -> frozenset[str]:
        if not key:
            return frozenset()
        hit = self._key_cache.get(key)
        if hit is None:
            lowered = _CAMEL.sub("_", key).lower().replace(".", "_")
            hit = frozenset().union(*(dets for _s, _e, dets in self._key_words.hits(lowered)))
            if len(self._key_cache) < 100_000:
                self._key_cache[key] = hit
        return hit

    def _is_name_key(self, key: str) -> tuple[bool, bool]:
        """``(may hold a person's name, always does)`` for a key path."""
        hit = self._name_key_cache.get(key)
        if hit is None:
            hit = (names.maybe_person_key(key), names.person_key(key))
            if len(self._name_key_cache) < 100_000:
                self._name_key_cache[key] = hit
        return hit


@dataclass(slots=True)
class _Batch:
    big: str
    starts: list[int]
    ends: list[int]
    keys: list[str]
    zones: list[tuple[int, int, str]] = field(default_factory=list)
    zone_starts: list[int] = field(default_factory=list)
    zone_dets: list[frozenset[str]] = field(default_factory=list)
    key_dets: list[frozenset[str]] = field(default_factory=list)
    #: from the capital pass: runs of capitalised words, words ending in a street type, postcodes
    runs: list[tuple[int, int]] = field(default_factory=list)
    fused: list[tuple[int, int]] = field(default_factory=list)
    postcodes: list[tuple[int, int]] = field(default_factory=list)


_METHODS = {
    "ssn": "ssa-ranges",
    "mbi": "cms-rules",
    "npi": "luhn",
    "dea": "check-digit",
    "payment_card": "luhn-iin",
    "dob": "date",
    "email": "pattern",
    "icd10": "pattern",
    "mrn": "pattern",
}


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
        judged = phones.judge(raw, True)
        return judged[0] if judged else raw
    if detector in ("mbi", "dea", "mrn", "icd10"):
        return alnum_upper(raw)
    if detector == "email":
        return raw.lower()
    if detector == "dob":
        m = DATE.search(raw)
        checked = v_date(m, 0) if m else None
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
