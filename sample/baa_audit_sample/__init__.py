"""The bundled sample environment: an emulated AWS account and an emulated GCP organization.

``environment(provider)`` starts the emulators on 127.0.0.1, seeds them, and yields the providers
and the :class:`CollectOptions` that point the real collectors at them. Nothing leaves the machine.

The sample is deterministic: moto's random generator is seeded (resource ids and ARNs are the
same on every run), the sample's timestamps derive from the sample day
(:func:`baa_audit_sample.logs.sample_day`) and the PHI hashes use a fixed salt, so two runs on the
same day collect the same evidence. The emulator's HTTP access log goes to ``log_file`` (the demo
writes it into its output directory), never to the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

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


#: Loggers of the emulators' HTTP servers (moto's server runs on werkzeug).
EMULATOR_LOGGERS = ("werkzeug",)


@contextlib.contextmanager
def emulator_log(log_file: Path | None) -> Iterator[None]:
    """Send the emulators' HTTP access log to ``log_file`` (or nowhere), not to stderr.

    werkzeug adds its own stderr handler unless its logger already has one, so a handler is put
    in place before any server starts and taken away (with the logger's old state) afterwards.
    """
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8")
        if log_file is not None
        else logging.NullHandler()
    )
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    saved = []
    for name in EMULATOR_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, level, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
        handler.close()


@contextlib.contextmanager
def environment(
    provider: str = "all", log_file: Path | None = None
) -> Iterator[tuple[list[str], CollectOptions]]:
    """Start and seed the sample environment; yields ``(providers, options)``.

    ``log_file`` receives the emulators' HTTP access log (default: discarded).
    """
    from baa_audit_sample.logs import SAMPLE_HASH_SALT, SAMPLE_WINDOW_HOURS

    providers = ["aws", "gcp"] if provider == "all" else [provider]
    # The demo samples its application logs for PHI (opt-in for real scans: --sample-logs).
    options = CollectOptions(regions=list(DEMO_AWS_REGIONS), sample_logs=True)
    options.sampling = {"window_hours": SAMPLE_WINDOW_HOURS, "hash_salt": SAMPLE_HASH_SALT}
    with contextlib.ExitStack() as stack:
        stack.enter_context(emulator_log(log_file))
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


__all__ = [
    "DEMO_AWS_ENV",
    "DEMO_AWS_REGIONS",
    "EMULATOR_LOGGERS",
    "emulator_log",
    "environment",
    "patched_env",
]
