"""The Kleene tables, exhaustively: and, or and not over true, false and unknown."""

from __future__ import annotations

import itertools

import pytest

from auditor.core.model.base import Gap
from auditor.judge.policy.truth import (
    FALSE,
    TRUE,
    Missing,
    Truth,
    all_of,
    any_of,
    not_,
    unknown,
)

GAP_A = Missing(Gap(operation="s:A", error_code="AccessDenied", fields=("a",)), "r", "a")
GAP_B = Missing(Gap(operation="s:B", error_code="Throttling", fields=("b",)), "r", "b")
VALUES = {"T": TRUE, "F": FALSE, "U": unknown(GAP_A)}

# the truth tables, written out once: rows are the left operand, columns the right
AND = {
    ("T", "T"): "T", ("T", "F"): "F", ("T", "U"): "U",
    ("F", "T"): "F", ("F", "F"): "F", ("F", "U"): "F",
    ("U", "T"): "U", ("U", "F"): "F", ("U", "U"): "U",
}  # fmt: skip
OR = {
    ("T", "T"): "T", ("T", "F"): "T", ("T", "U"): "T",
    ("F", "T"): "T", ("F", "F"): "F", ("F", "U"): "U",
    ("U", "T"): "T", ("U", "F"): "U", ("U", "U"): "U",
}  # fmt: skip
NOT = {"T": "F", "F": "T", "U": "U"}


def name(truth: Truth) -> str:
    return {True: "T", False: "F", None: "U"}[truth.value]


@pytest.mark.parametrize(("left", "right"), list(itertools.product("TFU", repeat=2)))
def test_and_table(left: str, right: str) -> None:
    assert name(all_of([VALUES[left], VALUES[right]])) == AND[(left, right)]


@pytest.mark.parametrize(("left", "right"), list(itertools.product("TFU", repeat=2)))
def test_or_table(left: str, right: str) -> None:
    assert name(any_of([VALUES[left], VALUES[right]])) == OR[(left, right)]


@pytest.mark.parametrize("value", "TFU")
def test_not_table(value: str) -> None:
    assert name(not_(VALUES[value])) == NOT[value]


@pytest.mark.parametrize("values", list(itertools.product("TFU", repeat=3)))
def test_n_ary_forms_fold_the_binary_tables(values: tuple[str, ...]) -> None:
    """all/any over three parts equal the binary tables folded left to right."""
    folded_and = folded_or = values[0]
    for v in values[1:]:
        folded_and = AND[(folded_and, v)]
        folded_or = OR[(folded_or, v)]
    parts = [VALUES[v] for v in values]
    assert name(all_of(parts)) == folded_and
    assert name(any_of(parts)) == folded_or


def test_empty_forms_are_the_identities() -> None:
    assert all_of([]) == TRUE
    assert any_of([]) == FALSE


def test_de_morgan_holds_for_every_pair() -> None:
    for left, right in itertools.product("TFU", repeat=2):
        a, b = VALUES[left], VALUES[right]
        assert name(not_(all_of([a, b]))) == name(any_of([not_(a), not_(b)]))
        assert name(not_(any_of([a, b]))) == name(all_of([not_(a), not_(b)]))


def test_unknown_carries_every_gap_that_made_it_unknown() -> None:
    both = all_of([unknown(GAP_A), unknown(GAP_B), TRUE])
    assert both.is_unknown and set(both.gaps) == {GAP_A, GAP_B}
    either = any_of([unknown(GAP_A), FALSE, unknown(GAP_B)])
    assert either.is_unknown and set(either.gaps) == {GAP_A, GAP_B}
    assert not_(unknown(GAP_A)).gaps == (GAP_A,)


def test_a_false_reached_beside_a_gap_keeps_the_gap() -> None:
    """FAIL as soon as one part is false; the unread part is still listed for the evidence."""
    verdict = all_of([unknown(GAP_A), FALSE])
    assert verdict.is_false and verdict.gaps == (GAP_A,)
    proven = any_of([unknown(GAP_B), TRUE])
    assert proven.is_true and proven.gaps == (GAP_B,)


def test_gaps_are_not_repeated() -> None:
    assert all_of([unknown(GAP_A), unknown(GAP_A)]).gaps == (GAP_A,)
    assert Missing.describe(GAP_A) == "a of r (s:A returned AccessDenied)"
