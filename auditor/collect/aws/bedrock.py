"""Amazon Bedrock (regional): model invocation logging.

Calls: ``bedrock:GetModelInvocationLoggingConfiguration`` (an empty answer: logging is off).
"""

from __future__ import annotations

from auditor.collect.aws.context import AwsContext
from auditor.core.inventory import InventorySink
from auditor.core.model.aws.bedrock import BedrockInvocationLogging
from auditor.core.model.base import Gap

TYPES: tuple[str, ...] = ("aws.bedrock.model_invocation_logging",)
_FIELDS = ("*",)
NAME = "model-invocation-logging"
#: the kinds of data whose delivery to the log destinations loggingConfig switches on or off
_DELIVERED = ("text", "image", "embedding", "video", "audio")


def collect(ctx: AwsContext, sink: InventorySink) -> None:
    gaps: list[Gap] = []
    response = ctx.read(
        "bedrock", "get_model_invocation_logging_configuration", fields=_FIELDS, gaps=gaps
    )
    ident = ctx.arn("bedrock", NAME)
    if response is None:
        ctx.emit(
            BedrockInvocationLogging(
                id=ident, name=NAME, account=ctx.account, region=ctx.region, gaps=gaps
            )
        )
        ctx.covered(TYPES[0], 1)
        return
    config = response.get("loggingConfig") or {}
    s3 = config.get("s3Config") or {}
    cloudwatch = config.get("cloudWatchConfig") or {}
    large = cloudwatch.get("largeDataDeliveryS3Config") or {}
    ctx.emit(
        BedrockInvocationLogging(
            id=ident,
            name=NAME,
            account=ctx.account,
            region=ctx.region,
            logging_enabled=bool(s3.get("bucketName") or cloudwatch.get("logGroupName")),
            **{
                f"{kind}_data_delivery_enabled": config.get(f"{kind}DataDeliveryEnabled")
                for kind in _DELIVERED
            },
            s3_bucket_name=s3.get("bucketName"),
            s3_key_prefix=s3.get("keyPrefix"),
            cloudwatch_log_group_name=cloudwatch.get("logGroupName"),
            cloudwatch_role_arn=cloudwatch.get("roleArn"),
            large_data_s3_bucket_name=large.get("bucketName"),
        )
    )
    ctx.covered(TYPES[0], 1)
