"""The GCP collector: Cloud Asset Inventory (API or export file) plus optional extra sources.

Import :func:`auditor.collectors.gcp.run.collect_gcp` through
:func:`auditor.collectors.collector`, which names the ``gcp`` extra when the SDK is missing.
"""
