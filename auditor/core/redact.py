"""Redaction of credentials before anything is written.

Collectors see what the cloud returns, and that includes secrets people put where they should not:
a database password in a Lambda environment variable, an API key in a task definition, a
connection string with its password in a parameter. :func:`redact` walks JSON-like data (dicts,
lists, tuples, strings) and returns a copy in which such values are replaced by
``[REDACTED:<kind>]``; everything else is returned unchanged, so evidence stays evidence.

Two rules work together:

* by name: the value of a key that names a secret (``DB_PASSWORD``, ``client_secret``,
  ``apiKey``, ``SessionToken`` ...), also in name/value lists such as ECS environments
  (``{"name": "DB_PASSWORD", "value": "..."}``) and CloudFormation parameters;
* by shape, inside any string: AWS access key ids and secret keys, PEM private keys, Google API
  keys and OAuth tokens, JWTs, bearer/basic credentials, GitHub and Slack tokens, passwords in
  URLs and connection strings, and ``name=value`` pairs whose name is a secret's.

A name ending in a secret's word counts (``db_password``); one merely containing it does not
(``password_last_changed``, ``MinimumPasswordLength``), so IAM evidence about passwords survives.
Booleans and numbers are never redacted: ``password_enabled: true`` is evidence, not a secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

MARK = "[REDACTED:{}]"

#: Normalized key endings (lower case, no ``_``, ``-``, ``.`` or spaces) that name a secret.
_SECRET_KEY_ENDINGS = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secretkey",
    "secretaccesskey",
    "token",
    "apikey",
    "apitoken",
    "accesskey",
    "privatekey",
    "privatekeyid",
    "clientsecret",
    "credential",
    "credentials",
    "authorization",
    "connectionstring",
    "connstr",
    "sasl",
    "signingkey",
    "encryptionkey",
    "masterkey",
)
#: Keys that end like a secret's but hold something else.
_NOT_SECRET_KEYS = frozenset({"nexttoken", "paginationtoken", "continuationtoken", "pagetoken"})

_NORMALIZE = re.compile(r"[\s_.\-]+")

_NAME_KEYS = ("name", "Name", "key", "Key", "ParameterKey", "OptionName")
_VALUE_KEYS = ("value", "Value", "ParameterValue")

# A pattern of secrets' names, not a secret.
_SECRET_WORD = (
    r"password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
)

# One alternation, one pass per string. Each named group is a kind of secret; ``keep`` groups are
# put back so the reader still sees what the value was (a URL's host, a variable's name).
_PATTERNS: list[tuple[str, str]] = [
    (
        "private-key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?"
        r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)",
    ),
    ("aws-access-key-id", r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ("gcp-api-key", r"AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
    ("gcp-oauth-token", r"ya29\.[0-9A-Za-z_\-.]{20,}"),
    ("jwt", r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
    ("github-token", r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
    ("slack-token", r"xox[abposr]-[A-Za-z0-9\-]{10,}"),
    (
        "http-credential",
        # a credential has a digit or a symbol somewhere: "basic authentication" is prose
        r"(?P<http_keep>\b(?i:bearer|basic|token)\s+)(?=[A-Za-z]*[0-9\-._~+/])"
        r"[A-Za-z0-9\-._~+/]{12,}=*",
    ),
    (
        "url-password",
        r"(?P<url_keep>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)[^@\s/]+(?P<url_tail>@)",
    ),
    (
        "assigned-secret",
        # not right after ':' or '/': an ARN's ``:secret:NAME`` or a path is a name, not a pair
        r"(?P<kv_keep>(?<![A-Za-z0-9:/])[A-Za-z0-9_.\-]*?(?i:"
        + _SECRET_WORD
        + ")"
        + r"[\"']?\s*[:=]\s*)(?P<kv_value>\"[^\"]*\"|'[^']*'|[^\s,;&\"'}]+)",
    ),
    (
        "flag-secret",
        r"(?P<flag_keep>(?<![A-Za-z0-9])--?[A-Za-z0-9_\-]*?(?i:"
        + _SECRET_WORD
        + r")\s+)(?P<flag_value>\"[^\"]*\"|'[^']*'|[^\s\-][^\s]*)",
    ),
    (
        "aws-secret-access-key",
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])"
        r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
    ),
]
_GROUP = {kind: f"k{i}" for i, (kind, _) in enumerate(_PATTERNS)}
_COMBINED = re.compile(
    "|".join(f"(?P<{_GROUP[kind]}>{pattern})" for kind, pattern in _PATTERNS), re.DOTALL
)
_KIND_OF_GROUP = {group: kind for kind, group in _GROUP.items()}

#: Lower-case substrings at least one of which every pattern above needs (besides the 40-character
#: run of a secret access key). Checking them with ``in`` is ten times faster than the regex, and
#: almost every string in an inventory has none of them.
_TRIGGERS = (
    "private key",
    "akia",
    "asia",
    "abia",
    "acca",
    "aiza",
    "ya29.",
    "eyj",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xox",
    "bearer",
    "basic",
    "token",
    "passw",
    "pwd",
    "passphrase",
    "secret",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "privatekey",
    "private_key",
    "private-key",
)

#: Strings shorter than this cannot hold any secret the patterns know (the shortest is a
#: ``pwd=x`` pair); they skip the regex.
_MIN_LENGTH = 5


#: Values of a ``name=value`` pair that say something about a secret without being one.
_LITERALS = frozenset({"true", "false", "null", "none", "yes", "no", "enabled", "disabled"})


def is_secret_key(key: str) -> bool:
    """True when a field or variable called ``key`` holds a secret by its name."""
    norm = _NORMALIZE.sub("", key).lower()
    if norm in _NOT_SECRET_KEYS:
        return False
    return norm.endswith(_SECRET_KEY_ENDINGS)


def _replace(match: re.Match[str]) -> str:
    group = match.lastgroup or ""
    kind = _KIND_OF_GROUP.get(group, "secret")
    mark = MARK.format(kind)
    if kind == "http-credential":
        return match.group("http_keep") + mark
    if kind == "url-password":
        return match.group("url_keep") + mark + match.group("url_tail")
    if kind == "flag-secret":
        return match.group("flag_keep") + mark
    if kind == "assigned-secret":
        value = match.group("kv_value")
        if (
            value in ('""', "''")
            or value.lower() in _LITERALS
            or value.startswith(("[REDACTED", "'[REDACTED", '"[REDACTED'))
        ):
            return match.group(0)
        return match.group("kv_keep") + mark
    return mark


class SubstringSet:
    """Does a (lower-case) text hold any of ``words``? One pass with Aho-Corasick.

    ``ahocorasick_rs`` (a core dependency) searches all words at once, about fifteen times
    faster than one ``in`` per word; without it the ``in`` checks give the same answers.
    """

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.bwords = tuple(word.encode() for word in words)
        self._text: Any = None
        self._bytes: Any = None
        try:
            import ahocorasick_rs
        except ImportError:  # pragma: no cover - a core dependency; the checks below still hold
            return
        self._text = ahocorasick_rs.AhoCorasick(list(words))
        self._bytes = ahocorasick_rs.BytesAhoCorasick(list(self.bwords))

    def in_text(self, lowered: str) -> bool:
        if self._text is not None:
            return bool(self._text.find_matches_as_indexes(lowered))
        return any(word in lowered for word in self.words)

    def in_bytes(self, lowered: bytes) -> bool:
        if self._bytes is not None:
            return bool(self._bytes.find_matches_as_indexes(lowered))
        return any(word in lowered for word in self.bwords)


_ANY_TRIGGER = SubstringSet(_TRIGGERS)


#: A run of exactly 40 characters of a secret access key's alphabet, bounded as the pattern
#: bounds it: what ``aws-secret-access-key`` needs (it also needs an upper- and a lower-case
#: letter and a digit in the run). Longer runs, such as a 64-digit SHA-256, cannot match it, and
#: treating every run of 40 or more as a possible key sent every digest in an estate to the
#: full redaction pass.
#: bytes.translate table: the key's alphabet -> "a", "=" (which bounds a run without being
#: part of it) -> "=", anything else -> " "
_RUN_TABLE = bytes(
    ord("a")
    if chr(i).isascii() and (chr(i).isalnum() or chr(i) in "/+")
    else ord("=")
    if chr(i) == "="
    else ord(" ")
    for i in range(256)
)
_RUN_40 = b" " + b"a" * 40 + b" "


def _has_run_of_40(data: bytes) -> bool:
    return len(data) >= 40 and _RUN_40 in b" " + data.translate(_RUN_TABLE) + b" "


def may_hold_secret(text: str) -> bool:
    """False when ``text`` certainly holds nothing :func:`redact_text` would replace.

    Cheap (one Aho-Corasick pass and one translate, in C), and safe to ask of many strings
    joined by a separator that is in no trigger (``"\\x1f"``): a redaction pass over each is
    needed only when it is True. Non-ASCII text is case-folded, as the patterns' IGNORECASE
    parts fold it (``K`` KELVIN SIGN matches ``k``).
    """
    if len(text) < _MIN_LENGTH:
        return False
    folded = text.lower() if text.isascii() else text.casefold()
    return (
        _ANY_TRIGGER.in_text(folded)
        or ("://" in folded and "@" in folded)  # a password in a URL: scheme://user:pw@host
        or _has_run_of_40(text.encode("utf-8", "surrogatepass"))
    )


def may_hold_secret_ascii(raw: bytes) -> bool:
    """:func:`may_hold_secret` for ASCII bytes (a raw JSON record), without decoding them."""
    lowered = raw.lower()
    return (
        _ANY_TRIGGER.in_bytes(lowered)
        or (b"://" in lowered and b"@" in lowered)
        or _has_run_of_40(raw)
    )


def redact_text(text: str) -> str:
    """``text`` with every credential-shaped substring replaced."""
    if len(text) <= _CACHED_LENGTH:
        return _redact_short(text)
    if not may_hold_secret(text):
        return text
    return _COMBINED.sub(_replace, text)


#: Strings up to this long are redacted through a bounded cache: an estate repeats the same
#: field names and values (``password_enabled``, key URLs) across every account, and the
#: redaction of a string that may hold a secret was the largest single cost of loading a
#: snapshot and writing a result (at most 65,536 strings of 256 characters: under 40 MiB).
_CACHED_LENGTH = 256


@lru_cache(maxsize=65_536)
def _redact_short(text: str) -> str:
    if not may_hold_secret(text):
        return text
    return _COMBINED.sub(_replace, text)


#: Kinds whose shape alone says "secret", whatever text surrounds them (a report, a CSV cell).
STRONG_KINDS = frozenset(
    {
        "private-key",
        "aws-access-key-id",
        "gcp-api-key",
        "gcp-oauth-token",
        "jwt",
        "github-token",
        "slack-token",
        "url-password",
        "aws-secret-access-key",
    }
)


def strong_secret_kinds(text: str) -> list[str]:
    """The kinds of unmistakable secrets in free text (a rendered report), first seen first.

    Only shapes that are secrets wherever they appear count (:data:`STRONG_KINDS`); a
    ``name: value`` pair is evidence about a field in a report, not a secret.
    """
    if not may_hold_secret(text):
        return []
    kinds: dict[str, None] = {}
    for match in _COMBINED.finditer(text):
        kind = _KIND_OF_GROUP.get(match.lastgroup or "", "")
        if kind in STRONG_KINDS and "[REDACTED" not in match.group(0):
            kinds[kind] = None
    return list(kinds)


def _redact_value_of_secret(value: Any) -> Any:
    if isinstance(value, str):
        return MARK.format("by-name") if value else value
    if isinstance(value, Mapping | list | tuple):
        return redact(value)
    return value  # booleans, numbers, None: evidence about a secret, not the secret


def _redact_mapping(obj: Mapping[Any, Any]) -> dict[Any, Any]:
    name_key = next((k for k in _NAME_KEYS if k in obj), None)
    value_key = next((k for k in _VALUE_KEYS if k in obj), None)
    pair_is_secret = (
        name_key is not None
        and value_key is not None
        and isinstance(obj[name_key], str)
        and is_secret_key(obj[name_key])
    )
    out: dict[Any, Any] = {}
    for key, value in obj.items():
        if (pair_is_secret and key == value_key) or (isinstance(key, str) and is_secret_key(key)):
            out[key] = _redact_value_of_secret(value)
        else:
            out[key] = redact(value)
    return out


def redact(obj: T) -> T:
    """A copy of JSON-like ``obj`` with credentials replaced; other values are untouched."""
    if isinstance(obj, str):
        return redact_text(obj)  # type: ignore[return-value]
    if isinstance(obj, Mapping):
        return _redact_mapping(obj)  # type: ignore[return-value]
    if isinstance(obj, list):
        return [redact(v) for v in obj]  # type: ignore[return-value]
    if isinstance(obj, tuple):
        return tuple(redact(v) for v in obj)  # type: ignore[return-value]
    return obj


__all__ = [
    "MARK",
    "STRONG_KINDS",
    "SubstringSet",
    "is_secret_key",
    "may_hold_secret",
    "may_hold_secret_ascii",
    "redact",
    "redact_text",
    "strong_secret_kinds",
]
