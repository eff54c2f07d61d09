"""The ELB security policy table agrees with moto's copy of DescribeSSLPolicies."""

from __future__ import annotations

from auditor.iac.mappers.aws import DEFAULT_ELB_SSL_POLICY, elb_ssl_policies


def test_every_moto_policy_is_in_the_table_with_the_same_protocols() -> None:
    from moto.elbv2.ssl_policies import SSL_POLICIES

    table = elb_ssl_policies()
    for name, policy in SSL_POLICIES.items():
        assert table.get(name) == list(policy["ssl_protocols"]), name


def test_tls13_only_policies_and_the_api_default() -> None:
    table = elb_ssl_policies()
    assert table["ELBSecurityPolicy-TLS13-1-3-2021-06"] == ["TLSv1.3"]
    assert table[DEFAULT_ELB_SSL_POLICY] == ["TLSv1.2", "TLSv1.1", "TLSv1"]
    assert all(p.startswith("TLSv1") for protocols in table.values() for p in protocols)
