"""AWS collectors: :func:`auditor.collect.aws.run.collect_aws` and one module per service."""
