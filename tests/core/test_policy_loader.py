from __future__ import annotations

from pathlib import Path

import pytest

from auditor.core.errors import ValidationFailed

from .fakes import TLS_POLICY, load_test_policies, write_policy


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = write_policy(tmp_path, text)
    with pytest.raises(ValidationFailed) as err:
        load_test_policies(tmp_path)
    return [str(p).replace(str(path), "FILE") for p in err.value.problems]


def test_valid_policy_loads(tmp_path: Path) -> None:
    write_policy(tmp_path, TLS_POLICY)
    policies = load_test_policies(tmp_path)
    assert [p.id for p in policies.policies] == ["TEST-ELB-001"]
    assert policies.policies[0].reads == ("protocol", "tls.protocols")
    assert policies.policies[0].params == {"allowed_tls_versions"}


def test_misspelled_field_path_fails_with_file_and_line(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("tls.protocols, subset_of", "tls.protocol, subset_of")
    )
    assert len(problems) == 1
    assert problems[0].startswith("FILE:8: bad path 'tls.protocol'")
    assert "FakeTls has no field 'protocol'" in problems[0]


def test_unknown_operator_fails_with_file_and_line(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("in: [HTTPS, TLS]", "one_of: [HTTPS, TLS]")
    )
    assert problems == [problems[0]]
    assert problems[0].startswith("FILE:5: unknown operator 'one_of'")


def test_unknown_profile_parameter_fails_with_file_and_line(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("$params.allowed_tls_versions}", "$params.allowed_tls}")
    )
    assert problems[0].startswith("FILE:8: unknown profile parameter 'allowed_tls'")


def test_unknown_citation_fails_with_file_and_line(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("hipaa.164.312.e.1]", "hipaa.164.312.e.9]")
    )
    assert problems == ["FILE:13: unknown citation 'hipaa.164.312.e.9'"]


def test_unknown_safeguard_and_predicate_and_template(tmp_path: Path) -> None:
    text = TLS_POLICY.replace("safeguard: transmission-security", "safeguard: tls")
    text = text.replace("{load_balancer}", "{load_balancr}")
    problems = problems_for(tmp_path, text)
    assert any(p.startswith("FILE:12: unknown safeguard 'tls'") for p in problems)
    assert any(p.startswith("FILE:11: message placeholder {load_balancr}") for p in problems)


def test_every_mistake_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = TLS_POLICY.replace("hipaa.164.312.e.1]", "hipaa.nope]").replace(
        "in: [HTTPS, TLS]", "inn: [HTTPS]"
    )
    problems = problems_for(tmp_path, text)
    assert len(problems) == 2


def test_malformed_yaml_fails_with_line(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, TLS_POLICY.replace("severity: high", "severity: [high"))
    assert problems[0].startswith("FILE:")
    assert "malformed YAML" in problems[0]


def test_unknown_key_and_bad_severity(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("severity: high", "severity: urgent\nowner: me")
    )
    assert any(p.startswith("FILE:3: severity:") for p in problems)
    assert any(p.startswith("FILE:4: owner: unknown key") for p in problems)


def test_id_must_match_file_name_and_be_unique(tmp_path: Path) -> None:
    write_policy(tmp_path, TLS_POLICY, name="TEST-ELB-002")
    with pytest.raises(ValidationFailed, match="does not match its file name"):
        load_test_policies(tmp_path)


def test_unknown_predicate(tmp_path: Path) -> None:
    text = TLS_POLICY.replace(
        "assert:\n  all:\n    - {path: tls.protocols, subset_of: $params.allowed_tls_versions}\n",
        "predicate: nope\n",
    )
    problems = problems_for(tmp_path, text)
    assert problems == ["FILE:6: unknown predicate 'nope'"]


def test_list_path_needs_a_quantifier(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path, TLS_POLICY.replace("tls.protocols, subset_of", "rules.algorithm, subset_of")
    )
    assert "use 'each' or 'some'" in problems[0]
