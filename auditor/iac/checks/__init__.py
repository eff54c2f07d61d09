"""Checkov plugin directory (loaded by checkov with ``--external-checks-dir``; never imported by us)."""
