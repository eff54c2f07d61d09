"""Amazon Bedrock: model invocation logging, one configuration per region."""

from __future__ import annotations

from auditor.core.model.aws.common import AwsResource
from auditor.core.model.base import optional


class BedrockInvocationLogging(AwsResource):
    """GetModelInvocationLoggingConfiguration in one region.

    ``logging_enabled`` is false when the region has no configuration (the API answers ``{}``).
    """

    resource_type = "aws.bedrock.model_invocation_logging"

    logging_enabled: bool | None = None
    text_data_delivery_enabled: bool | None = None
    image_data_delivery_enabled: bool | None = None
    embedding_data_delivery_enabled: bool | None = None
    video_data_delivery_enabled: bool | None = None
    audio_data_delivery_enabled: bool | None = None
    s3_bucket_name: str | None = optional("loggingConfig.s3Config.bucketName")
    s3_key_prefix: str | None = None
    cloudwatch_log_group_name: str | None = optional("loggingConfig.cloudWatchConfig.logGroupName")
    cloudwatch_role_arn: str | None = None
    large_data_s3_bucket_name: str | None = optional(
        "cloudWatchConfig.largeDataDeliveryS3Config.bucketName"
    )


__all__ = ["BedrockInvocationLogging"]
