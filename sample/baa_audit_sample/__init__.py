"""The bundled sample environment: an emulated AWS account and an emulated GCP organization.

``environment(provider)`` starts the emulators on 127.0.0.1, seeds them, and yields the providers
and the :class:`CollectOptions` that point the real collectors at them. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from auditor.collect.base import CollectOptions

DEMO_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "demo",  # the emulator accepts any credentials
    "AWS_SECRET_ACCESS_KEY": "demo",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "2",
}
DEMO_AWS_REGIONS = ["us-east-1", "us-west-2"]


@contextlib.contextmanager
def patched_env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@contextlib.contextmanager
def environment(provider: str = "all") -> Iterator[tuple[list[str], CollectOptions]]:
    providers = ["aws", "gcp"] if provider == "all" else [provider]
    # The demo samples its application logs for PHI (opt-in for real scans: --sample-logs).
    options = CollectOptions(regions=list(DEMO_AWS_REGIONS), sample_logs=True)
    with contextlib.ExitStack() as stack:
        if "aws" in providers:
            from baa_audit_sample.aws import run_emulator as run_aws
            from baa_audit_sample.logs import seed_cloudwatch

            endpoint = stack.enter_context(run_aws())
            seed_cloudwatch(endpoint)
            stack.enter_context(patched_env({**DEMO_AWS_ENV, "AWS_ENDPOINT_URL": endpoint}))
            for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
                if key in os.environ:
                    stack.enter_context(patched_env({key: ""}))
                    os.environ.pop(key, None)
        if "gcp" in providers:
            from baa_audit_sample.gcp import run_emulator as run_gcp

            gcp_endpoint, gcp_scope = stack.enter_context(run_gcp())
            options.gcp_endpoint = gcp_endpoint
            options.gcp_scope = gcp_scope
            # The sample org serves every non-CAI source; IAP is left off on purpose so the demo
            # also shows what an unread source looks like: ERROR with how to enable it, not PASS.
            options.gcp_sources = ["directory", "access-bindings", "vertex", "logging"]
        yield providers, options


__all__ = ["DEMO_AWS_ENV", "DEMO_AWS_REGIONS", "environment", "patched_env"]
