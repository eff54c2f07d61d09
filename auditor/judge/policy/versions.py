"""Version arithmetic for ``version_gte`` / ``version_lt``: TLS protocol names and engine versions.

``"TLSv1.2"``, ``"TLS_1_2"``, ``"1.2"`` and ``"TLSv1"`` (1.0) name TLS versions; ``"SSLv3"`` sorts
below every TLS version; ``"15.4"`` and ``"8.0.35"`` are engine versions (anything after the
leading numbers, as in ``"8.0.mysql_aurora.3.05"``, is ignored). A value naming several versions
(a list, or a comma-separated string such as MySQL's ``tls_version``) is judged by the lowest
version it names. Named security policies (``TLSv1.2_2021``) are not versions: map them with a
``lookup`` table first.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"^(?P<ssl>SSL)?(?:TLS)?[v_ ]?(?P<num>\d+(?:[._]\d+)*)", re.IGNORECASE)

Version = tuple[int, ...]


def parse_version(text: Any) -> Version | None:
    """The version one value names, trailing zeros dropped, or None."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        text = str(text)
    if not isinstance(text, str):
        return None
    found = _TOKEN.match(text.strip())
    if found is None:
        return None
    numbers = [int(n) for n in re.split(r"[._]", found.group("num"))]
    if found.group("ssl"):
        numbers = [0, *numbers]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def lowest_version(value: Any) -> Version | None:
    """The lowest version a value names: one version, a list, or a comma-separated string.

    None when the value names none, or when any part of it is not a version (an unreadable
    part could be the lowest).
    """
    if isinstance(value, str) and "," in value:
        parts: list[Any] = [p for p in value.split(",") if p.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        parts = list(value)
    else:
        parts = [value]
    versions = [parse_version(p) for p in parts]
    if not versions or any(v is None for v in versions):
        return None
    return min(v for v in versions if v is not None)


def version_label(version: Version) -> str:
    return ".".join(str(n) for n in (version if len(version) > 1 else (*version, 0)))


__all__ = ["Version", "lowest_version", "parse_version", "version_label"]
