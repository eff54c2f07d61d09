"""The name gazetteer: given names and surnames from national statistics, loaded once.

The data file (``data/names.tsv.gz``, built by tools/build_name_gazetteer.py, sources in
``data/NOTICE``) holds each name folded (lowercase, accents and non-letters removed) with flags:
given name, surname, and "also a common English word" (Will, Page, Grant), which alone is weak
evidence. It is read from the installed package, never downloaded.
"""

from __future__ import annotations

import gzip
import threading
import unicodedata
from importlib import resources

GIVEN = 1
SURNAME = 2
COMMON = 4

_FLAGS = {"F": GIVEN, "L": SURNAME, "W": COMMON}
_lock = threading.Lock()
_table: dict[str, int] | None = None


def _load() -> dict[str, int]:
    table: dict[str, int] = {}
    data = resources.files("auditor.collect.phi").joinpath("data/names.tsv.gz").read_bytes()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        name, _, flags = line.partition("\t")
        value = 0
        for ch in flags:
            value |= _FLAGS.get(ch, 0)
        table[name] = value
    return table


def table() -> dict[str, int]:
    """The folded name -> flags table (loaded on first use, about 350,000 names)."""
    global _table  # noqa: PLW0603
    if _table is None:
        with _lock:
            if _table is None:
                _table = _load()
    return _table


def fold(word: str) -> str:
    """Lowercase, accents and every non-letter removed: ``O'Brien`` -> ``obrien``."""
    if word.isascii():
        return "".join(ch for ch in word if ch.isalpha()).lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c)).lower()


def flags(word: str) -> int:
    """Flags of one word; a hyphenated word has the flags of its parts."""
    names = table()
    if "-" in word:
        value = 0
        for part in word.split("-"):
            value |= names.get(fold(part), 0)
        return value & ~COMMON if value & (GIVEN | SURNAME) else value
    return names.get(fold(word), 0)


__all__ = ["COMMON", "GIVEN", "SURNAME", "flags", "fold", "table"]
