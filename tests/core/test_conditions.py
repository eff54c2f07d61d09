"""The condition language, three-valued: leaves, quantifiers, counts, joins, versions, look-ups,
parameters, and the located load errors of each."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.core.model.base import Coverage, Gap, ListingGap, Resource
from auditor.core.params import Parameters
from auditor.core.yamlio import parse_yaml
from auditor.judge.policy.conditions import (
    Env,
    ParseContext,
    Parts,
    _walk,
    evaluate,
    explain,
    parse_condition,
)
from auditor.judge.policy.related import RelatedIndex
from auditor.judge.policy.tables import Table
from auditor.judge.policy.truth import Missing

from .fakes import TYPES, FakeListener, key, listener

TABLES = {
    "floors": Table("floors", "test", ("https://example.test",), {"P13": "1.3", "P12": "1.2"})
}
PARAMS = Parameters(min_tls_version="1.3", subprocessors=["gcp", "cloudflare"]).resolved()


def parse(text: str, model: type[Resource] = FakeListener) -> Any:
    node = parse_yaml(text)
    ctx = ParseContext(file="t.yaml", root=node, types=TYPES, tables=TABLES)
    parsed = parse_condition(node, model, ctx, ())
    assert not ctx.problems, ctx.problems
    assert parsed is not None
    return parsed


def problems(text: str) -> list[str]:
    node = parse_yaml(text)
    ctx = ParseContext(file="t.yaml", root=node, types=TYPES, tables=TABLES)
    parse_condition(node, FakeListener, ctx, ())
    return [str(p) for p in ctx.problems]


def truth(text: str, resource: Resource, *others: Resource, **kw: Any) -> str:
    resources = [resource, *others]
    by_type: dict[str, list[Resource]] = {}
    for r in resources:
        by_type.setdefault(r.resource_type, []).append(r)
    index = RelatedIndex(by_type, kw.get("gaps", ()), kw.get("coverage", ()))
    result = evaluate(parse(text), resource, Env(kw.get("params", PARAMS), index))
    return {True: "T", False: "F", None: "U"}[result.value]


DENIED = Gap(operation="s:Get", error_code="AccessDenied", fields=("tls",))


def test_a_gap_is_local_only_what_depends_on_it_is_unknown() -> None:
    gapped = listener(tls=None, gaps=[DENIED])
    assert truth("{path: tls.protocols, contains: TLSv1.3}", gapped) == "U"
    assert truth("{path: protocol, equals: HTTPS}", gapped) == "T"
    assert (
        truth(
            "{all: [{path: protocol, equals: HTTP}, {path: tls.protocols, empty: false}]}", gapped
        )
        == "F"
    )
    assert (
        truth(
            "{any: [{path: protocol, equals: HTTPS}, {path: tls.protocols, empty: false}]}", gapped
        )
        == "T"
    )
    assert truth("{not: {path: tls.policy_name, exists: true}}", gapped) == "U"


def test_none_is_never_good_enough_but_is_known() -> None:
    absent = listener(tls=None)
    assert truth("{path: tls.protocols, subset_of: [TLSv1.3]}", absent) == "F"
    assert truth("{path: tls.protocols, exists: false}", absent) == "T"


def test_quantifiers_each_some_and_count() -> None:
    rules = listener(rules=[{"algorithm": "AES256"}, {"algorithm": "aws:kms"}, {"algorithm": None}])
    assert truth("{path: rules, each: {path: algorithm, exists: true}}", rules) == "F"
    assert truth("{path: rules, some: {path: algorithm, equals: 'aws:kms'}}", rules) == "T"
    assert truth("{path: rules, count: {gte: 3}}", rules) == "T"
    assert (
        truth("{path: rules, count: {where: {path: algorithm, exists: true}, equals: 2}}", rules)
        == "T"
    )
    assert (
        truth("{path: rules, count: {where: {path: algorithm, exists: true}, lt: 2}}", rules) == "F"
    )
    listed = listener(
        tags={"a": "b"},
        rules=[{"algorithm": "x"}],
        gaps=[Gap(operation="o", error_code="e", fields=("rules",))],
    )
    assert truth("{path: rules, count: {gte: 1}}", listed) == "U"


def test_versions_compare_tls_names_and_engine_versions() -> None:
    assert truth("{path: version, version_gte: '1.3'}", listener(version="TLSv1.3")) == "T"
    assert (
        truth("{path: version, version_gte: $params.min_tls_version}", listener(version="TLS_1_2"))
        == "F"
    )
    assert truth("{path: version, version_gte: '1.2'}", listener(version="TLSv1.2,TLSv1.3")) == "T"
    assert truth("{path: version, version_gte: '1.3'}", listener(version="TLSv1.2,TLSv1.3")) == "F"
    assert truth("{path: version, version_lt: '15'}", listener(version="14.9")) == "T"
    assert truth("{path: version, version_gte: '15'}", listener(version="16.2")) == "T"
    assert truth("{path: version, version_gte: '1.0'}", listener(version="SSLv3")) == "F"
    assert truth("{path: version, version_gte: '1.0'}", listener(version="garbled")) == "F"


def test_lookup_maps_names_and_an_unknown_name_maps_to_nothing() -> None:
    assert (
        truth("{path: version, lookup: floors, version_gte: '1.3'}", listener(version="P13")) == "T"
    )
    assert (
        truth("{path: version, lookup: floors, version_gte: '1.3'}", listener(version="P12")) == "F"
    )
    assert truth("{path: version, lookup: floors, exists: false}", listener(version="P99")) == "T"


def test_parameters_as_subjects_and_set_membership() -> None:
    assert truth("{param: subprocessors, contains: gcp}", listener()) == "T"
    assert truth("{param: subprocessors, contains: aws}", listener()) == "F"
    assert truth("{path: protocol, in: $params.subprocessors}", listener(protocol="gcp")) == "T"
    assert truth("{path: load_balancer, starts_with: [lb-, alb-]}", listener()) == "T"
    unset = Parameters().resolved()
    assert (
        truth("{not: {param: customer_managed_keys, equals: true}}", listener(), params=unset)
        == "T"
    )


JOIN = "{join: {type: aws.test.key, on: key_ref, match: [id, key_id, aliases], in: region}, %s}"
COVERED = [
    Coverage(
        provider="aws",
        account="111111111111",
        region="us-east-1",
        resource_type="aws.test.key",
        count=1,
    )
]


@pytest.mark.parametrize(
    "ref",
    [
        "k1",
        "alias/phi",
        "arn:aws:kms:us-east-1:111111111111:key/k1",
        "arn:aws:kms:us-east-1:111111111111:alias/phi",
    ],
)
def test_a_join_finds_the_target_however_it_is_named(ref: str) -> None:
    store = listener(key_ref=ref)
    assert (
        truth(JOIN % "some: {path: manager, equals: CUSTOMER}", store, key(), coverage=COVERED)
        == "T"
    )
    assert truth(JOIN % "count: {equals: 1}", store, key(), coverage=COVERED) == "T"


def test_a_join_is_three_valued() -> None:
    store = listener(key_ref="alias/other")
    # not found where the listing succeeded: nothing there (some -> false, each -> vacuous)
    assert (
        truth(JOIN % "some: {path: manager, equals: CUSTOMER}", store, key(), coverage=COVERED)
        == "F"
    )
    assert (
        truth(JOIN % "each: {path: manager, equals: CUSTOMER}", store, key(), coverage=COVERED)
        == "T"
    )
    assert truth(JOIN % "count: {equals: 0}", store, key(), coverage=COVERED) == "T"
    # the listing of keys failed there: unknown
    failed = ListingGap(
        provider="aws",
        account="111111111111",
        region="us-east-1",
        resource_type="aws.test.key",
        operation="kms:ListKeys",
        error_code="AccessDenied",
    )
    assert truth(JOIN % "count: {equals: 0}", store, gaps=[failed]) == "U"
    # never listed at all: unknown, not "nothing there"
    assert truth(JOIN % "some: {path: manager, equals: CUSTOMER}", store) == "U"
    # the target's own field is a gap: unknown
    unread = key(
        aliases=["alias/other"],
        manager=None,
        gaps=[Gap(operation="kms:DescribeKey", error_code="Throttling", fields=("manager",))],
    )
    assert (
        truth(JOIN % "some: {path: manager, equals: CUSTOMER}", store, unread, coverage=COVERED)
        == "U"
    )
    # the reference itself is a gap: unknown
    blind = listener(gaps=[Gap(operation="x:Get", error_code="AccessDenied", fields=("key_ref",))])
    assert truth(JOIN % "count: {equals: 0}", blind, key(), coverage=COVERED) == "U"


def test_a_place_join_ranges_over_the_type_in_the_account() -> None:
    text = "{join: {type: aws.test.key}, some: {path: manager, equals: CUSTOMER}}"
    other = key(id="k2", account="222222222222")
    assert truth(text, listener(), key(), other, coverage=COVERED) == "T"
    assert truth(text, listener(), key(manager="AWS"), coverage=COVERED) == "F"
    failed = ListingGap(
        provider="aws",
        account="111111111111",
        region="eu-west-1",
        resource_type="aws.test.key",
        operation="kms:ListKeys",
        error_code="AccessDenied",
    )
    # a failed listing elsewhere in the account leaves "none qualifies" unknown, not false
    assert truth(text, listener(), key(manager="AWS"), coverage=COVERED, gaps=[failed]) == "U"
    assert truth(text, listener(), key(), coverage=COVERED, gaps=[failed]) == "T"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{path: nope, equals: 1}", "t.yaml:1: bad path 'nope'"),
        ("{path: protocol, equalz: 1}", "unknown operator 'equalz'"),
        ("{param: nope, equals: 1}", "unknown profile parameter 'nope'"),
        ("{path: version, lookup: nope, exists: true}", "unknown lookup table 'nope'"),
        ("{path: version, version_gte: soon}", "'version_gte' takes a version"),
        ("{path: rules, count: {gte: many}}", "a count compares with a whole number"),
        ("{path: rules, count: {where: {path: nope, exists: true}, gte: 1}}", "bad path 'nope'"),
        (
            "{join: {type: aws.nope}, some: {path: x, exists: true}}",
            "join to unknown resource type 'aws.nope'",
        ),
        ("{join: {type: aws.test.key, on: nope}, count: {gte: 1}}", "bad path 'nope'"),
        (
            "{join: {type: aws.test.key, on: key_ref, match: [nope]}, count: {gte: 1}}",
            "bad path 'nope'",
        ),
        (
            "{join: {type: aws.test.key}, some: {path: protocol, exists: true}}",
            "bad path 'protocol'",
        ),
        ("{join: {type: aws.test.key, in: galaxy}, count: {gte: 1}}", "'in' is one of"),
        (
            "{join: {type: aws.test.key}, equals: 1}",
            "a join needs exactly one of each, some or count",
        ),
        ("{path: protocol, equals: 1, because: 7}", "'because' takes a message template"),
    ],
)
def test_mistakes_are_located_load_errors(text: str, message: str) -> None:
    found = problems(text)
    assert found and message in found[0], found


# ------------------------------------------------------- evaluated once: the same values as ever

EXPLAINED = """
any:
  - all:
      - {path: protocol, equals: HTTPS, because: not HTTPS}
      - {path: tls.protocols, contains: TLSv1.3, because: no TLS 1.3}
  - {not: {path: port, exists: true}}
  - {path: version, version_gte: $params.min_tls_version, because: "version {version}"}
"""


@pytest.mark.parametrize(
    "resource",
    [
        listener(),
        listener(protocol="HTTP", port=80, version="1.2"),
        listener(protocol="HTTP", port=80, tls=None, gaps=[DENIED]),
        listener(port=80, gaps=[Gap(operation="x:Get", error_code="Throttling")]),
    ],
)
def test_parts_give_each_part_the_value_evaluate_gives(resource: FakeListener) -> None:
    condition = parse(EXPLAINED)
    env = Env(PARAMS, RelatedIndex({resource.resource_type: [resource]}, ()))
    parts = Parts(env, resource)
    assert parts.value(condition) == evaluate(condition, resource, env)
    for node in _walk(condition):  # every part reached through the combinators
        if node is not condition and id(node) in parts.known:
            assert parts.known[id(node)] == evaluate(node, resource, env)
    assert explain(condition, resource, env, parts) == explain(condition, resource, env)


def test_a_joined_resource_is_judged_and_explained_once_per_condition() -> None:
    text = JOIN % "some: {path: manager, equals: CUSTOMER, because: 'managed by {manager}'}"
    condition = parse(text)
    shared = key(manager="AWS")
    stores = [listener(id=f"arn:listener/{n}", key_ref="k1") for n in range(3)]
    by_type: dict[str, list[Resource]] = {"aws.test.listener": [*stores], "aws.test.key": [shared]}
    env = Env(PARAMS, RelatedIndex(by_type, (), COVERED))
    for store in stores:
        fresh = Env(PARAMS, RelatedIndex(by_type, (), COVERED))
        assert evaluate(condition, store, env) == evaluate(condition, store, fresh)
        assert explain(condition, store, env) == explain(condition, store, fresh)
        assert [r.template for r in explain(condition, store, env)] == ["managed by {manager}"]
    # one entry per (join condition, joined resource), whatever the number of resources joining
    assert len(env.joined) == 1
    assert len(env.explained) == 1
    ((kept, _),) = env.joined.values()
    assert kept is shared


def test_an_unread_input_hashes_as_its_parts() -> None:
    one = Missing(DENIED, "arn:listener/1", "tls")
    same = Missing(
        Gap(operation="s:Get", error_code="AccessDenied", fields=("tls",)), one.subject, "tls"
    )
    assert one == same and hash(one) == hash(same)
    assert one != Missing(DENIED, "arn:listener/1", "tls.protocols")
    assert len(dict.fromkeys([one, same])) == 1
