"""Reading a row-level security expression as PostgreSQL deparses it (``pg_policies.qual``).

PostgreSQL prints a policy's USING and WITH CHECK expressions back in a normal form: every
boolean sub-expression in parentheses, ``AND``/``OR`` in capitals, string literals with their
casts (``'app.practice_id'::text``). This module answers one question of such a text, for the
tenant key column and tenant setting it is given:

    Does the expression keep only rows whose tenant key matches the tenant setting?

It does when the expression, or one term of a top-level AND, compares the column with a value
drawn from the setting: ``practice_id = X``, ``X = practice_id``, ``practice_id IN (X)`` or
``practice_id = ANY (X)`` (the column may carry a cast), where ``X`` calls
``current_setting('<setting>' ...)`` and does not mention the column itself (so
``practice_id = COALESCE(current_setting(...), practice_id)`` is no filter). An OR at the top
(``(practice_id = ...) OR true``) or a NOT is no filter either. Anything not recognised counts as
no filter: the reader can be too strict, never too lenient.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CAST = re.compile(r'::(?:"[^"]+"|[A-Za-z_][\w ]*(?:\([\d, ]*\))?)(?:\[\])*\s*$')


@lru_cache(maxsize=4096)
def _depths(text: str) -> tuple[int, ...]:
    """Parenthesis depth after each character; -1 inside string literals and quoted names."""
    depths: list[int] = []
    depth = 0
    quote = ""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if quote:
            depths.append(-1)
            if ch == quote:
                if i + 1 < n and text[i + 1] == quote:  # doubled quote inside
                    depths.append(-1)
                    i += 2
                    continue
                quote = ""
        elif ch in "'\"":
            quote = ch
            depths.append(-1)
        else:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            depths.append(depth)
        i += 1
    return tuple(depths)


def without_literals(text: str) -> str:
    """``text`` with the insides of string literals blanked (quoted names are kept)."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            out.append("''")
            i += 1
            while i < n:
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _strip_parens(text: str) -> str:
    """Remove parentheses that enclose the whole of ``text``."""
    text = text.strip()
    while len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        inner = _depths(text)[:-1]
        # the opening parenthesis closes only at the end: depth never falls back to 0 before
        if any(d == 0 for d in inner):
            break
        text = text[1:-1].strip()
    return text


def _split_top(text: str, word: str) -> list[str]:
    """Split ``text`` at ``word`` (e.g. `` AND ``) where it stands at parenthesis depth 0."""
    depths = _depths(text)
    upper = text.upper()
    parts: list[str] = []
    start = 0
    at = upper.find(word)
    while at != -1:
        if depths[at] == 0:
            parts.append(text[start:at])
            start = at + len(word)
            at = upper.find(word, start)
        else:
            at = upper.find(word, at + 1)
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _is_column(text: str, column: str) -> bool:
    """True when ``text`` is the column itself (optionally qualified, parenthesised or cast)."""
    text = _strip_parens(text)
    for _ in range(4):
        stripped = _CAST.sub("", text).strip()
        stripped = _strip_parens(stripped)
        if stripped == text:
            break
        text = stripped
    name = text.rsplit(".", 1)[-1]
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1] == column
    return name.lower() == column


@lru_cache(maxsize=4096)
def mentions_column(text: str | None, column: str) -> bool:
    """True when the column's name appears in ``text`` as a name (string literals ignored)."""
    if not text:
        return False
    bare = without_literals(text)
    pattern = rf'(?<![\w$"])(?:{re.escape(column)}|"{re.escape(column)}")(?![\w$"])'
    return re.search(pattern, bare, flags=re.IGNORECASE) is not None


def reads_setting(text: str, setting: str) -> bool:
    """True when ``text`` calls ``current_setting('<setting>' ...)``."""
    pattern = rf"current_setting\(\s*'{re.escape(setting)}'"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _comparison(term: str) -> tuple[str, str] | None:
    """``(left, right)`` of a top-level ``=`` / ``IN`` comparison, else None."""
    for op in (" = ", " IN "):
        parts = _split_top(term, op)
        if len(parts) == 2:
            return parts[0], parts[1]
    return None


@lru_cache(maxsize=4096)
def filters_on_tenant(expression: str | None, column: str, setting: str) -> bool:
    """Whether ``expression`` keeps only rows whose ``column`` matches ``setting`` (see above)."""
    if not expression:
        return False
    body = _strip_parens(expression)
    if len(_split_top(body, " OR ")) > 1:
        return False
    for raw in _split_top(body, " AND "):
        term = _strip_parens(raw)
        if term.upper().startswith("NOT "):
            continue
        pair = _comparison(term)
        if pair is None:
            continue
        left, right = pair
        for col_side, value_side in ((left, right), (right, left)):
            value = value_side
            if value.upper().startswith("ANY "):
                value = value[4:]
            if (
                _is_column(col_side, column)
                and reads_setting(value, setting)
                and not mentions_column(value, column)
            ):
                return True
    return False


__all__ = ["filters_on_tenant", "mentions_column", "reads_setting", "without_literals"]
