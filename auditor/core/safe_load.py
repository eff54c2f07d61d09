"""The input layer: every file the tool reads is untrusted, and is read through here.

Snapshots, results, bundle manifests, Terraform plans, history rows (JSON) and profiles, policies,
waivers, catalogs and policy cases (YAML, see :mod:`auditor.core.yamlio`) are parsed strictly and
within limits, and every mistake is an :class:`~auditor.core.errors.InputError` that names the file
and the line and column or the JSON path:

* size: a file (or one JSON Lines record) larger than its limit is refused before it is parsed;
* encoding: the file must be UTF-8 (a byte order mark is allowed);
* syntax: no duplicate keys, no ``NaN`` / ``Infinity``;
* shape: nesting depth, string length and integer range are bounded;
* content: lone surrogates (which cannot be written back as UTF-8) become U+FFFD, and every
  credential-shaped string the redactor knows is redacted on load (:func:`sanitize`);
* types: models are validated in pydantic's strict JSON mode, so ``"yes"`` is not a boolean and
  ``"1"`` not an integer (:func:`validate_json_model`).

The limits are :class:`Limits` values named after what they bound (``SNAPSHOT``, ``RESULT`` ...);
docs/input-validation.md lists them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from auditor.core.errors import InputError
from auditor.core.redact import (
    MARK,
    SubstringSet,
    is_secret_key,
    may_hold_secret,
    may_hold_secret_ascii,
    redact_text,
    strong_secret_kinds,
)
from auditor.core.result import (
    SUPPORTED_SCHEMA_VERSION,
    Finding,
    RunResult,
    consistency_problems,
    schema_newer,
)
from auditor.core.text import replace_surrogates

M = TypeVar("M", bound=BaseModel)

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

#: Maps whose keys users choose (tags, labels, environment variables): a key that names a secret
#: redacts its value there (elsewhere only credential-*shaped* strings are redacted, so evidence
#: about a token, ``token_validity_units.AccessToken: 60``, stays evidence).
FREE_FORM_FIELDS = frozenset({"tags", "labels", "environment", "parameters", "variables"})
#: In a free-form list of name/value pairs (an ECS environment), the value of a secret's name.
_NAME_KEYS = ("name", "Name", "key", "Key", "ParameterKey", "OptionName")
_VALUE_KEYS = ("value", "Value", "ParameterValue")


@dataclass(frozen=True)
class Limits:
    """What one kind of input may hold."""

    what: str
    max_bytes: int
    max_depth: int = 64
    max_string: int = 4 * MiB
    #: integers beyond +-max_int are refused (SQLite and most JSON readers stop at 2**63)
    max_int: int = 2**63 - 1
    #: one record of a JSON Lines file
    max_line: int | None = None


SNAPSHOT = Limits("snapshot", max_bytes=64 * GiB, max_line=16 * MiB, max_string=16 * MiB)
RESULT = Limits("result", max_bytes=4 * GiB)
PLAN = Limits("Terraform plan", max_bytes=1 * GiB, max_depth=256)
MANIFEST = Limits("bundle manifest", max_bytes=64 * MiB, max_depth=8)
HISTORY_ROW = Limits("history row", max_bytes=1 * GiB)
EXPORT = Limits("asset export", max_bytes=64 * GiB, max_line=16 * MiB, max_depth=128)


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class _OutOfRange(ValueError):
    pass


#: One bound for every JSON integer: what SQLite and most JSON readers can hold.
MAX_INT = 2**63 - 1


def _int(text: str) -> int:
    if len(text) > 18:
        if len(text) > 20:
            raise _OutOfRange(f"integer out of range ({len(text)} digits; limit +-{MAX_INT:,})")
        value = int(text)
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise _OutOfRange(f"integer out of range (limit +-{MAX_INT:,})")
        return value
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _OutOfRange(f"number out of range: {text[:40]}")
    return value


def _where(file: str | Path, line: int | None, col: int | None = None) -> str:
    where = str(file)
    if line:
        where += f":{line}"
        if col:
            where += f":{col}"
    return where


def located(file: str | Path, line: int | None, message: str, col: int | None = None) -> InputError:
    """An :class:`InputError` for ``file:line:col: message``."""
    error = InputError(f"{_where(file, line, col)}: {message}")
    error.file = str(file)
    error.line = line
    return error


def read_limited(path: Path, limits: Limits) -> bytes:
    """The bytes of ``path``, refused before reading when larger than ``limits.max_bytes``."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise located(
                path,
                None,
                f"{limits.what} file too large ({size:,} bytes; limit {limits.max_bytes:,})",
            )
        with path.open("rb") as handle:
            # what the file holds, read to at most one byte past the limit (``read(limit)``
            # would allocate the whole limit up front)
            data = handle.read(min(size, limits.max_bytes) + 1)
            while len(data) <= limits.max_bytes:
                more = handle.read(min(1 << 24, limits.max_bytes + 1 - len(data)))
                if not more:
                    break
                data += more
    except OSError as exc:
        raise located(path, None, f"cannot read {limits.what}: {exc.strerror or exc}") from None
    if len(data) > limits.max_bytes:
        raise located(
            path, None, f"{limits.what} file too large (limit {limits.max_bytes:,} bytes)"
        )
    return data


def decode_utf8(data: bytes, file: str | Path, line: int | None = None) -> str:
    """``data`` as text; anything but UTF-8 is refused with the line and column of the bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_no = data.count(b"\n", 0, start) + (line or 1)
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise located(
            file, line_no, f"not UTF-8 text (byte 0x{data[start]:02x} cannot be decoded)", col
        ) from None


def _locate_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of the second ``"key"`` in one object (slow path: errors only)."""
    decoder: Any = json.JSONDecoder()
    original = decoder.parse_object

    found: list[int] = []

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        end = s_and_end[1]
        value, new_end = original(
            s_and_end, *args[:3], lambda p: p, *args[4:], **kwargs
        )  # pairs, not a dict
        keys = [k for k, _ in value]
        if key in keys and keys.count(key) > 1 and not found:
            found.append(end)
        return dict(value), new_end

    decoder.parse_object = parse_object
    decoder.scan_once = py_make_scanner(decoder)
    try:
        decoder.decode(text)
    except (ValueError, RecursionError):
        return None, None
    if not found:
        return None, None
    start = found[0] - 1
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def parse_json(text: str | bytes, file: str | Path, limits: Limits, line: int | None = None) -> Any:
    """Parse JSON strictly: duplicate keys, ``NaN``, deep nesting and bad UTF-8 are refused.

    ``line`` is the line of ``text`` in its file (JSON Lines), for the error messages.
    """
    if isinstance(text, bytes):
        text = decode_utf8(text, file, line)
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_no_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as exc:
        raise located(
            file, (line or 1) + exc.lineno - 1, f"not valid JSON: {exc.msg}", exc.colno
        ) from None
    except _Duplicate as exc:
        at_line, col = (None, None) if line else _locate_duplicate(text, exc.key)
        raise located(
            file, line or at_line, f"duplicate key {exc.key!r} in one JSON object", col
        ) from None
    except RecursionError:
        raise located(
            file, line, f"JSON nested too deeply (limit {limits.max_depth} levels)"
        ) from None
    except _OutOfRange as exc:
        raise located(file, line, str(exc)) from None
    except ValueError as exc:  # NaN/Infinity
        raise located(file, line, f"not valid JSON: {exc}") from None


#: digits read as ``0``: a long integer is then one fixed run of zeros to look for
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19
#: a number token of 19 digits or more as compact JSON writes it (after ``:``, ``,`` or ``[``),
#: and as indented JSON does (after ``": "`` or the indentation of a list item)
_LONG_NUMBERS = {
    False: tuple(mark + _LONG_RUN for mark in (b":", b",", b"[")),
    True: (b" " + _LONG_RUN,),
}


def _canonical(raw: bytes, indent: bool = False) -> Any:
    """``raw`` (one JSON Lines record, or with ``indent`` a whole document) parsed in C when it
    is written the way this tool writes them; None otherwise.

    orjson parses it and writes it back with sorted keys, compact (a line) or indented by two
    spaces (a document such as result.json). When that gives ``raw``'s own bytes, it holds no
    duplicate key (the written form of a parsed object cannot repeat one), no ``NaN`` or
    ``Infinity`` (orjson refuses them), no invalid UTF-8 and no number written in a form that
    parses differently, so its value is the one :func:`parse_json` gives. One more scan sends
    integers of 19 digits or more to the strict reader, which bounds them at 2**63-1 (orjson
    reads up to 2**64-1). Anything else (other key order or spacing, a file this tool did not
    write, an error) is for :func:`parse_json`, which names what is wrong.
    """
    body = raw[:-1] if raw.endswith(b"\n") else raw
    option = orjson.OPT_SORT_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        value = orjson.loads(body)
        if type(value) is not dict and type(value) is not list:
            return None
        if orjson.dumps(value, option=option) != body:
            return None
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    digits = body.translate(_DIGITS_AS_ZERO)
    if _LONG_RUN in digits and any(mark in digits for mark in _LONG_NUMBERS[indent]):
        return None
    return value


def parse_json_line(
    raw: bytes | str, file: str | Path, limits: Limits, line: int | None = None
) -> Any:
    """One JSON Lines record (with or without its newline) parsed as :func:`parse_json` parses
    it, in C for a record written the way this tool writes them (:func:`_canonical`): the same
    value, or the same error."""
    if isinstance(raw, str):
        value = _canonical(raw.encode("utf-8", "surrogatepass"))
        return value if value is not None else parse_json(raw, file, limits, line=line)
    value = _canonical(raw)
    if value is not None:
        return value
    return parse_json(decode_utf8(raw, file, line), file, limits, line=line)


def parse_json_document(data: bytes, file: str | Path, limits: Limits) -> tuple[Any, str | bytes]:
    """A whole JSON file parsed as :func:`parse_json` parses it, in C when it is indented the
    way this tool writes documents (:func:`_canonical`); with its text (the bytes themselves
    when they are certainly clean UTF-8) for a validator to read."""
    value = _canonical(data, indent=True)
    if value is not None:
        return value, data
    text = decode_utf8(data, file)
    return parse_json(text, file, limits), text


class _Sanitizer:
    """One walk over parsed JSON (changed in place): limits, then surrogates and redaction.

    The walk checks depth, string length and number range and collects every string; then, per
    *unit* (one snapshot line, one finding of a result), one look at all its strings joined
    decides whether any string may hold a lone surrogate or a secret, and only then are they
    cleaned one by one. Almost no unit needs it, so the common cost is one walk and one join.
    """

    def __init__(self, limits: Limits, file: str | Path, line: int | None) -> None:
        self.limits = limits
        self.file = file
        self.line = line
        self.changed = False
        self.strings: list[tuple[Any, Any, str]] = []
        self.keys: list[str] = []
        #: a mapping key held a lone surrogate: the keys are rebuilt after the walk
        self.rekey = False

    def fail(self, path: list[str | int], message: str) -> InputError:
        where = ".".join(str(p) for p in path) or "document"
        return located(self.file, self.line, f"{where}: {message}")

    def walk(self, value: Any, depth: int, free: bool, path: list[str | int]) -> None:
        kind = type(value)
        if kind is dict:
            self.mapping(value, depth, free, path)
        elif kind is list:
            if depth >= self.limits.max_depth:
                raise self.fail(path, f"nested too deeply (limit {self.limits.max_depth} levels)")
            strings = self.strings
            max_string = self.limits.max_string
            for index, item in enumerate(value):
                item_kind = type(item)
                if item_kind is str:
                    if len(item) > max_string:
                        raise self.fail([*path, index], self._too_long(item))
                    strings.append((value, index, item))
                elif item_kind is dict or item_kind is list:
                    path.append(index)
                    self.walk(item, depth + 1, free, path)
                    path.pop()
                elif item_kind is int or item_kind is float:
                    self.number(item, [*path, index])

    def _too_long(self, text: str) -> str:
        return f"string too long ({len(text):,} characters; limit {self.limits.max_string:,})"

    def number(self, value: float, path: list[str | int]) -> None:
        if type(value) is int:
            if not -self.limits.max_int - 1 <= value <= self.limits.max_int:
                raise self.fail(path, f"integer out of range (limit +-{self.limits.max_int:,})")
        elif not math.isfinite(value):
            raise self.fail(path, "number out of range")

    def mapping(self, value: dict[str, Any], depth: int, free: bool, path: list[str | int]) -> None:
        if depth >= self.limits.max_depth:
            raise self.fail(path, f"nested too deeply (limit {self.limits.max_depth} levels)")
        secret_value_key = self._secret_pair(value) if free else None
        strings = self.strings
        self.keys.extend(value)
        max_string = self.limits.max_string
        for key, item in value.items():
            if len(key) > max_string:
                raise self.fail(path, "key too long")
            item_kind = type(item)
            if item_kind is str:
                if len(item) > max_string:
                    raise self.fail([*path, key], self._too_long(item))
                if (
                    item
                    and (free or "." in key or key == secret_value_key)
                    and (key == secret_value_key or self._secret_name(key, free))
                ):
                    if not item.startswith("[REDACTED"):
                        value[key] = MARK.format("by-name")
                        self.changed = True
                    continue
                strings.append((value, key, item))
            elif item_kind is dict or item_kind is list:
                path.append(key)
                child_free = free or key in FREE_FORM_FIELDS or self._free_path(key)
                self.walk(item, depth + 1, child_free, path)
                path.pop()
            elif item_kind is int or item_kind is float:
                self.number(item, [*path, key])

    @staticmethod
    def _free_path(key: str) -> bool:
        """``tags.owner``: an evidence key (a dotted field path) into a free-form map."""
        return "." in key and key.partition(".")[0] in FREE_FORM_FIELDS

    @staticmethod
    def _secret_name(key: str, free: bool) -> bool:
        if free:
            return is_secret_key(key)
        head, _, rest = key.partition(".")
        return head in FREE_FORM_FIELDS and bool(rest) and is_secret_key(rest.rsplit(".", 1)[-1])

    @staticmethod
    def _secret_pair(value: dict[str, Any]) -> str | None:
        names = [k for k in _NAME_KEYS if k in value]
        values = [k for k in _VALUE_KEYS if k in value]
        if names and values:
            name = value[names[0]]
            if isinstance(name, str) and is_secret_key(name):
                return values[0]
        return None

    def flush(self) -> None:
        """Clean the strings collected since the last flush (one unit)."""
        strings, keys = self.strings, self.keys
        self.strings, self.keys = [], []
        if not strings and not keys:
            return
        joined = "\x1f".join([text for _, _, text in strings])
        if not joined.isascii() or not "".join(keys).isascii():
            self._surrogates(strings, keys)
            joined = "\x1f".join([text for _, _, text in strings])
        if not may_hold_secret(joined):
            return
        for container, key, text in strings:
            new = redact_text(text)
            if new != text:
                container[key] = new
                self.changed = True

    def _surrogates(self, strings: list[tuple[Any, Any, str]], keys: list[str]) -> None:
        for index, (container, key, text) in enumerate(strings):
            new = replace_surrogates(text)
            if new is not text:
                container[key] = new
                strings[index] = (container, key, new)
                self.changed = True
        if any(replace_surrogates(k) is not k for k in keys):
            self.changed = True
            self.rekey = True


def _rekey(value: Any) -> Any:
    """``value`` with lone surrogates in mapping keys replaced (rare: a second pass)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            new_key = replace_surrogates(key)
            if new_key in out:
                raise ValueError("two keys differ only in invalid characters")
            out[new_key] = _rekey(item)
        return out
    if isinstance(value, list):
        return [_rekey(item) for item in value]
    return value


#: Substrings (lower case, separators dropped) of every key name :func:`is_secret_key` knows.
_SECRET_NAME_PARTS = SubstringSet((
    "passw", "pwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
    "credential", "authorization", "connectionstring", "connstr", "sasl", "signingkey",
    "encryptionkey", "masterkey",
))  # fmt: skip
#: a string that starts with a free-form field's name (the map, or a dotted evidence key into
#: it), unless it is the key of an empty map (``"tags":{}``, which holds no key): in a record
#: with no backslash every ``"`` delimits a string, so this finds every such key
_FREE_FORM_MARK = re.compile(
    rb'"(?:' + b"|".join(re.escape(n.encode()) for n in sorted(FREE_FORM_FIELDS)) + rb')(?!":\{\})'
)


def needs_sanitizing(raw: bytes, limits: Limits) -> bool:
    """False when the JSON record ``raw`` certainly passes :func:`sanitize` unchanged.

    A few scans in C over the raw bytes of one record (a snapshot line): no escape (so no lone
    surrogate and no hidden pattern), short enough, too few brackets to nest deeply, nothing
    credential-shaped and no secret-named key in a free-form map. (Numbers are bounded by the
    parser itself.) Most records pass, and skip the walk.
    """
    if b"\\" in raw or len(raw) > limits.max_string:
        return True
    if raw.count(b"{") + raw.count(b"[") >= limits.max_depth:
        return True
    if not raw.isascii():
        # non-ASCII letters may fold to a pattern's ASCII under IGNORECASE: the text check
        return may_hold_secret(raw.decode("utf-8", "replace")) or _secret_names(
            raw.decode("utf-8", "replace").lower().encode("utf-8", "replace")
        )
    return may_hold_secret_ascii(raw) or _secret_names(raw.lower())


def _secret_names(lowered: bytes) -> bool:
    if _FREE_FORM_MARK.search(lowered) is None:
        return False
    return _SECRET_NAME_PARTS.in_bytes(lowered.translate(None, b"_-. \t"))


def sanitize(
    value: Any, limits: Limits, file: str | Path, line: int | None = None, *, free: bool = False
) -> tuple[Any, bool]:
    """Check ``value`` (parsed JSON, changed in place) against ``limits``; clean its strings.

    Returns the value and whether anything was changed (a lone surrogate replaced, a secret
    redacted). Raises :class:`InputError` naming the JSON path of a value out of bounds. The
    findings of a result are cleaned one by one (each is a unit, see :class:`_Sanitizer`).
    """
    walker = _Sanitizer(limits, file, line)
    unwrap = not isinstance(value, dict | list)
    if unwrap:
        value = [value]
    try:
        findings = value.get("findings") if isinstance(value, dict) else None
        if isinstance(findings, list) and findings:
            rest = {k: v for k, v in value.items() if k != "findings"}
            walker.walk(rest, 0, free, [])
            walker.flush()
            for index, finding in enumerate(findings):
                if isinstance(finding, dict | list):
                    walker.walk(finding, 1, free, ["findings", index])
                else:
                    walker.walk([finding], 1, free, ["findings"])
                walker.flush()
            value.update(rest)
        else:
            walker.walk(value, 0, free, [])
            walker.flush()
        if walker.rekey:
            value = _rekey(value)
    except RecursionError:
        raise located(file, line, f"nested too deeply (limit {limits.max_depth} levels)") from None
    except ValueError as exc:
        raise located(file, line, str(exc)) from None
    return (value[0] if unwrap else value), walker.changed


def describe_validation(exc: ValidationError, prefix: str = "") -> str:
    """The first problem of ``exc`` as ``path: message`` (never the input value itself)."""
    errors = exc.errors(include_url=False, include_input=False)
    err = errors[0]
    loc = ".".join(str(p) for p in err["loc"] if isinstance(p, str | int))
    where = ".".join(p for p in (prefix, loc) if p) or "document"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return f"{where}: {message}{more}"


def validate_json_model(
    model: type[M],
    raw: bytes | str,
    file: str | Path,
    line: int | None = None,
    *,
    what: str = "",
    prefix: str = "",
) -> M:
    """``model`` from JSON text in pydantic's strict JSON mode; errors name the JSON path."""
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        label = f"invalid {what}: " if what else ""
        raise located(file, line, label + describe_validation(exc, prefix)) from None


def validate_value(
    model: type[M],
    value: Any,
    file: str | Path,
    line: int | None = None,
    *,
    what: str = "",
    prefix: str = "",
) -> M:
    """``model`` from parsed JSON ``value``, with the strict JSON mode's verdict.

    Pydantic's strict Python mode is tried first (the fast path: it accepts a subset of what the
    strict JSON mode accepts from JSON values); a value it refuses (a date-time written as text,
    a list for a tuple, or a real mistake) is decided by the strict JSON mode.
    """
    try:
        return model.model_validate(value, strict=True)
    except ValidationError:
        pass
    return validate_json_model(model, dumps(value), file, line, what=what, prefix=prefix)


def dumps(value: Any) -> str:
    """Compact JSON of already-checked data, to validate after :func:`sanitize` changed it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load_json_file(path: Path, limits: Limits) -> tuple[Any, bytes]:
    """Read, decode, parse and sanitize one JSON file. Returns the value and the raw bytes."""
    raw = read_limited(path, limits)
    value = parse_json(raw, path, limits)
    value, changed = sanitize(value, limits, path)
    return value, (dumps(value).encode() if changed else raw)


def load_model_file(
    path: Path,
    model: type[M],
    limits: Limits,
    *,
    check: Callable[[Any], None] | None = None,
) -> M:
    """One JSON file as ``model``: read and checked by :func:`load_json_file`, validated
    strictly; ``check`` sees the parsed value first (a format or version check)."""
    value, raw = load_json_file(path, limits)
    if check is not None:
        check(value)
    return validate_json_model(model, raw, path, what=limits.what)


# -- files about to be shipped ---------------------------------------------------------------
def secret_in_file(name: str, data: bytes) -> str | None:
    """Where ``data`` (a file about to go into a bundle) holds a secret the redactor knows.

    JSON and JSON Lines are checked as they are loaded (:func:`sanitize` would change them);
    other text for unmistakable shapes (:func:`~auditor.core.redact.strong_secret_kinds`);
    binary files (PDF, SQLite) are not looked into. Returns a description, or None.
    """
    limits = Limits(name, max_bytes=len(data) + 1, max_depth=10_000, max_string=2**62)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        if name.endswith(".jsonl"):
            for lineno, line in enumerate(text.splitlines(), start=1):
                raw = line.encode()
                if line.strip() and needs_sanitizing(raw, limits):
                    value = parse_json_line(raw, name, limits, lineno)
                    _, changed = sanitize(value, limits, name)
                    if changed:
                        return f"line {lineno}"
            return None
        if name.endswith(".json"):
            value, _ = parse_json_document(data, name, limits)
            _, changed = sanitize(value, limits, name)
            return "a value" if changed else None
    except InputError:
        return None  # not JSON after all: checked as text below
    kinds = strong_secret_kinds(text)
    return ", ".join(kinds) if kinds else None


# -- results -----------------------------------------------------------------------------------
def parse_result(
    value: Any, text: str | bytes | None, file: str | Path, line: int | None = None
) -> RunResult:
    """A :class:`RunResult` from parsed JSON ``value`` (its ``text``, if at hand, is validated
    directly), checked as :func:`load_result` checks a file."""
    check_version(value, file, line)
    value, changed = sanitize(value, RESULT, file, line)
    raw = dumps(value) if changed or text is None else text
    result = validate_json_model(RunResult, raw, file, line, what="result")
    check_consistent(result, file, line)
    return result


def check_version(value: Any, file: str | Path, line: int | None) -> None:
    if not isinstance(value, dict):
        raise located(file, line, "not a baa-audit result (expected a JSON object)")
    version = value.get("schema_version")
    if not isinstance(version, str):
        raise located(file, line, "not a baa-audit result: schema_version: missing or not text")
    try:
        newer = schema_newer(version)
    except ValueError:
        raise located(
            file, line, f"schema_version {version[:20]!r} is not of the form MAJOR.MINOR"
        ) from None
    if newer:
        raise located(
            file,
            line,
            f"result schema_version {version} is newer than this tool supports "
            f"({SUPPORTED_SCHEMA_VERSION}); upgrade baa-audit",
        )


def check_consistent(result: RunResult, file: str | Path, line: int | None = None) -> None:
    """Refuse a result whose stored counts or verdicts disagree with its findings."""
    problems = consistency_problems(result)
    if problems:
        more = f" (and {len(problems) - 2} more)" if len(problems) > 2 else ""
        raise located(
            file,
            line,
            "result does not add up, it was edited or damaged: " + "; ".join(problems[:2]) + more,
        )


#: the limits of a result being written: nothing is refused, strings are only cleaned
UNBOUNDED = Limits("result", max_bytes=RESULT.max_bytes, max_depth=10_000, max_string=2**62)


def clean_finding(finding: Finding) -> Finding:
    """``finding`` redacted (itself when nothing needed it): a few scans in C over its JSON
    tell which findings certainly need no cleaning (:func:`needs_sanitizing`); only the others
    are walked."""
    if not needs_sanitizing(finding.__pydantic_serializer__.to_json(finding), UNBOUNDED):
        return finding
    data, cleaned = sanitize(finding.model_dump(mode="json"), UNBOUNDED, "result")
    return Finding.model_validate(data) if cleaned else finding


def clean_result(result: RunResult) -> RunResult:
    """``result`` with every secret the redactor knows redacted and lone surrogates replaced.

    Called before every write (result.json, reports, the history database, bundles); returns
    ``result`` itself when nothing needed cleaning. Streamed findings are cleaned as they are
    read.
    """
    rest, changed = sanitize(
        result.model_dump(mode="json", exclude={"findings"}), UNBOUNDED, "result"
    )
    if result.streamed:
        stream = result.stream_of()
        clean = RunResult.model_validate({**rest, "findings": []}) if changed else result
        if getattr(stream, "redacted", False):  # redacted as they are read
            return clean.with_stream(stream) if changed else result
        return clean.with_stream(stream).map_findings(clean_finding)
    findings: list[Finding] | None = None
    for index, finding in enumerate(result.findings):
        cleaned = clean_finding(finding)
        if cleaned is not finding:
            findings = findings if findings is not None else list(result.findings)
            findings[index] = cleaned
    if not changed and findings is None:
        return result
    if changed:
        clean = RunResult.model_validate({**rest, "findings": []})
        return clean.model_copy(update={"findings": findings or list(result.findings)})
    return result.model_copy(update={"findings": findings})


__all__ = [
    "EXPORT",
    "FREE_FORM_FIELDS",
    "HISTORY_ROW",
    "MANIFEST",
    "PLAN",
    "RESULT",
    "SNAPSHOT",
    "UNBOUNDED",
    "Limits",
    "check_consistent",
    "clean_finding",
    "clean_result",
    "decode_utf8",
    "describe_validation",
    "dumps",
    "load_json_file",
    "load_model_file",
    "located",
    "needs_sanitizing",
    "parse_json",
    "parse_json_document",
    "parse_json_line",
    "parse_result",
    "read_limited",
    "sanitize",
    "secret_in_file",
    "validate_json_model",
    "validate_value",
]
