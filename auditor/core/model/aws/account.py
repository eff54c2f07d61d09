"""The AWS account itself: the anchor of account-wide judgements (an audit trail exists, the
contractual no-training terms apply)."""

from __future__ import annotations

from typing import ClassVar

from auditor.core.model.base import Provider, Resource


class AwsAccount(Resource):
    """One account; ``id`` and ``account`` are the 12-digit account id."""

    resource_type: ClassVar[str] = "aws.account"
    provider: ClassVar[Provider] = "aws"

    partition: str = "aws"


__all__ = ["AwsAccount"]
