"""Masked forms and salted hashes: the only traces of a match that ever leave a detector.

A masked form keeps the shape of the value and at most its last few characters
(``***-**-6789``), so a reader can tell which record to look at without the value itself. A salted
hash (HMAC-SHA256) lets two findings be compared for the same value without revealing it. With the
default per-run random salt, hashes are comparable within one run only and cannot be brute-forced
from the report; a configured salt makes them comparable across runs (keep it secret: with the salt,
the small space of SSNs can be enumerated).
"""

from __future__ import annotations

import hashlib
import re
import secrets


class Hasher:
    """HMAC-SHA256 of normalized values under a salt that is never written anywhere."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, salt: str | bytes | None = None) -> None:
        if salt is None:
            key = secrets.token_bytes(32)
        elif isinstance(salt, str):
            key = salt.encode()
        else:
            key = bytes(salt)
        # HMAC (RFC 2104) with the keyed inner and outer states computed once: each digest then
        # costs two hash copies, not a new HMAC object.
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_IPAD))
        self._outer = hashlib.sha256(key.translate(_OPAD))

    def digest(self, normalized: str) -> str:
        inner = self._inner.copy()
        inner.update(normalized.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def __repr__(self) -> str:  # never show the salt
        return "Hasher(<salt hidden>)"


_BLOCK = 64  # SHA-256's block size
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))
_ALNUM = re.compile(r"[^\W_]")


def mask_keep_last(value: str, keep: int) -> str:
    """Replace every letter and digit by ``*`` except the last ``keep`` of them; keep separators."""
    # Never reveal more than half of the characters, whatever ``keep`` says.
    keep = min(keep, sum(map(str.isalnum, value)) // 2)
    cut = len(value)
    while keep > 0:
        cut -= 1
        if value[cut].isalnum():
            keep -= 1
    return _ALNUM.sub("*", value[:cut]) + value[cut:]


def mask_all(value: str) -> str:
    """Replace every letter and digit by ``*``; keep separators (``**/**/****``)."""
    return _ALNUM.sub("*", value)


def mask_initials(value: str) -> str:
    """Keep the first letter of each word: ``J*** S****``."""
    out: list[str] = []
    first = True
    for ch in value:
        if ch.isalpha():
            out.append(ch if first else "*")
            first = False
        else:
            out.append(ch)
            first = ch in " ,"
    return "".join(out)


def mask_email(value: str) -> str:
    """Keep the first character of the local part and of the domain, and the top-level domain."""
    local, _, domain = value.rpartition("@")
    host, dot, tld = domain.rpartition(".")
    if not local or not host:
        return mask_all(value)
    return f"{local[0]}***@{host[0]}***{dot}{tld}"


def mask_address(value: str, keep_words: frozenset[str] = frozenset()) -> str:
    """Mask every word of a street address except street-type words (``*** ***** St``)."""
    return " ".join(w if w.rstrip(".,") in keep_words else mask_all(w) for w in value.split(" "))


__all__ = ["Hasher", "mask_address", "mask_all", "mask_email", "mask_initials", "mask_keep_last"]
