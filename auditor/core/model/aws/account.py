"""The AWS account itself: the anchor of account-wide judgements (an audit trail exists, the
contractual no-training terms apply)."""

from __future__ import annotations

from auditor.core.model.aws.common import AwsResource


class AwsAccount(AwsResource):
    """One account; ``id`` and ``account`` are the 12-digit account id."""

    resource_type = "aws.account"

    partition: str = "aws"


__all__ = ["AwsAccount"]
