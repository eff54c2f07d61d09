"""Credentials are redacted from anything the tool writes; evidence that is no secret survives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.core.redact import is_secret_key, redact, redact_text

SECRETS = [
    ("AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
    ("ASIAY34FZKBOKMUTVV7A", "aws-access-key-id"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"),
    ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "gcp-api-key"),
    ("ya29.a0AfH6SMBx3yZ-example-token-value_123", "gcp-oauth-token"),
    (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "private-key",
    ),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "private-key",
    ),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl", "jwt"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github-token"),
    ("xoxb-123456789012-abcdefghijkl", "slack-token"),
]


@pytest.mark.parametrize(("secret", "kind"), SECRETS)
def test_shapes_are_redacted_alone_and_inside_text(secret, kind):
    assert redact_text(secret) == f"[REDACTED:{kind}]"
    text = redact_text(f"found {secret} here")
    assert secret not in text
    assert f"[REDACTED:{kind}]" in text


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        ("postgres://admin:hunter2@db.internal:5432/phi", "hunter2", "postgres://admin:"),
        ("mongodb+srv://u:p%40ss@cluster0.example.net/db", "p%40ss", "@cluster0.example.net"),
        ("Server=tcp:x;User Id=u;Password=s3cr3t;Encrypt=True", "s3cr3t", "Encrypt=True"),
        ("Authorization: Bearer abcdefghijklmnop.qrs", "abcdefghijklmnop", "Bearer "),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA", "Basic "),
        ("DB_PASSWORD=hunter2 MODE=prod", "hunter2", "MODE=prod"),
        ('{"client_secret": "abcdef", "id": 1}', "abcdef", '"id": 1'),
        ("api_key: 'q1w2e3r4'", "q1w2e3r4", "api_key"),
        ("app --db-password hunter2 --verbose", "hunter2", "--verbose"),
    ],
)
def test_credentials_in_strings(text, secret, kept):
    out = redact_text(text)
    assert secret not in out
    assert kept in out
    assert redact_text(out) == out  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:iam::111111111111:role/app",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",  # a SHA-1, not a secret key
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "https://storage.googleapis.com/bucket/object",
        "password_last_changed: 2026-01-01",
        "--password-policy strict",
        "AIDAJQABLZS4A3QDU576Q",  # an IAM user's unique id, not a credential
        "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-creds-AbCdEf",
        "projects/p/secrets/api-token/versions/1",
        "arn:aws:ssm:us-east-1:111111111111:parameter/app/db_password",
        '{"secret": true, "token_required": false}',
        "password=null",
        "secretsmanager:GetSecretValue",
        "Uses basic authentication for the admin console",
        "token rotation is enabled",
        "projects/phi-prod/instances/db1",
        "",
    ],
)
def test_evidence_that_is_not_a_secret_survives(text):
    assert redact_text(text) == text


def test_structures_by_key_name():
    data = {
        "Environment": {"Variables": {"DB_PASSWORD": "hunter2", "MODE": "prod", "apiKey": "k"}},
        "containerDefinitions": [
            {
                "environment": [
                    {"name": "STRIPE_SECRET", "value": "sk_live_x"},
                    {"name": "REGION", "value": "us-east-1"},
                ]
            }
        ],
        "Parameters": [{"ParameterKey": "MasterUserPassword", "ParameterValue": "pw"}],
        "Tags": [{"Key": "session_token", "Value": "abc"}, {"Key": "Name", "Value": "web"}],
        "password_enabled": True,
        "MinimumPasswordLength": 14,
        "password_last_changed": "2026-01-01T00:00:00Z",
        "NextToken": "page-2",
        "credentials": {"private_key": "x", "client_email": "sa@p.iam.gserviceaccount.com"},
        "empty_secret": "",
        "nested": ("AKIAIOSFODNN7EXAMPLE", 3, None),
    }
    out = redact(data)
    env = out["Environment"]["Variables"]
    assert env == {
        "DB_PASSWORD": "[REDACTED:by-name]",
        "MODE": "prod",
        "apiKey": "[REDACTED:by-name]",
    }
    ecs = out["containerDefinitions"][0]["environment"]
    assert ecs[0] == {"name": "STRIPE_SECRET", "value": "[REDACTED:by-name]"}
    assert ecs[1] == {"name": "REGION", "value": "us-east-1"}
    assert out["Parameters"][0]["ParameterValue"] == "[REDACTED:by-name]"
    assert out["Tags"][0]["Value"] == "[REDACTED:by-name]"
    assert out["Tags"][1]["Value"] == "web"
    assert out["password_enabled"] is True
    assert out["MinimumPasswordLength"] == 14
    assert out["password_last_changed"] == "2026-01-01T00:00:00Z"
    assert out["NextToken"] == "page-2"
    # a whole credentials object is a secret by name: its string leaves go, its shape stays
    assert out["credentials"]["private_key"] == "[REDACTED:by-name]"
    assert out["credentials"]["client_email"] == "sa@p.iam.gserviceaccount.com"
    assert out["empty_secret"] == ""
    assert out["nested"] == ("[REDACTED:aws-access-key-id]", 3, None)
    # the input is not changed
    assert data["Environment"]["Variables"]["DB_PASSWORD"] == "hunter2"


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("DB_PASSWORD", True),
        ("client-secret", True),
        ("aws.secretAccessKey", True),
        ("x-api-key", True),
        ("SessionToken", True),
        ("password_last_changed", False),
        ("PasswordReusePrevention", False),
        ("NextToken", False),
        ("token_expiry", False),
        ("name", False),
    ],
)
def test_is_secret_key(key, secret):
    assert is_secret_key(key) is secret


def test_prefilter_skips_digests_but_not_keys() -> None:
    """The cheap pre-check before the full pass: a SHA-256 (a 64-character run) cannot be a
    secret access key; a 40-character run can, wherever it stands."""
    from auditor.core.redact import may_hold_secret, may_hold_secret_ascii, redact_text

    digest = "278841bf564deb5ce17154bc0d36baa77336f53f598f4536dced608840348c57"
    key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert not may_hold_secret(digest) and not may_hold_secret_ascii(digest.encode())
    for text in (key, f"x-{key}", f'{{"k":"{key}"}}', f"a {key} b"):
        assert may_hold_secret(text) and may_hold_secret_ascii(text.encode())
        assert "[REDACTED" in redact_text(text)
    assert not may_hold_secret(key + "A") and redact_text(key + "A") == key + "A"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcXYZ0189/+=-_ .:\"'", min_size=30, max_size=90),
)
def test_prefilter_never_hides_a_redaction(text: str) -> None:
    from auditor.core.redact import _COMBINED, _replace, may_hold_secret

    if not may_hold_secret(text):
        assert _COMBINED.sub(_replace, text) == text
