"""AWS collectors: :func:`auditor.collectors.aws.run.collect_aws` and one module per service."""
