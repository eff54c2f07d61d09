"""The GCP collector: Cloud Asset Inventory (API or export file) plus optional extra sources.

Import :func:`auditor.collect.gcp.run.collect_gcp` through
:func:`auditor.collect.collector`, which names the ``gcp`` extra when the SDK is missing.
"""
