"""One way to call AWS: every failure becomes a recorded reason, never an exception, never silence.

:func:`call` runs one boto3 operation (following every page when the operation paginates) and
either returns the response or raises :class:`CallFailed` carrying the operation name as IAM
spells it (``elbv2:DescribeSSLPolicies``) and the error code. The collector then turns that into a
:class:`~auditor.core.model.base.Gap` (a value on one resource left unread, naming the fields) or a
:class:`~auditor.core.model.base.ListingGap` (a whole listing unread); see :class:`~.context.AwsContext`.

Messages carry only the HTTP status and the error class: the text of a provider error can echo
request data, so it is never copied into the inventory.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from auditor.core.model.base import Gap, ListingGap

#: Error codes that mean "you may not", as opposed to "it is not there".
DENIED_CODES: frozenset[str] = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "Forbidden",
    }
)


#: Error codes that mean "slow down": botocore's retries ran out before the service relented.
THROTTLED_CODES: frozenset[str] = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)
#: Error codes that mean the credentials themselves were refused (not a missing permission).
CREDENTIAL_CODES: frozenset[str] = frozenset(
    {
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "AuthFailure",
        "RequestExpired",
    }
)
#: Error codes that mean the request itself was malformed or named something wrong.
BAD_INPUT_CODES: frozenset[str] = frozenset(
    {
        "ValidationError",
        "ValidationException",
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "InvalidParameter",
        "InvalidInput",
        "MalformedQueryString",
    }
)
#: Error codes of requests that never reached a service.
UNREACHABLE_CODES: frozenset[str] = frozenset({"EndpointConnectionError", "ConnectTimeout"})


class CallFailed(Exception):
    """An AWS call that could not be answered: denied, throttled past retries, 5xx, timeout."""

    def __init__(self, operation: str, error_code: str, message: str) -> None:
        self.operation = operation
        self.error_code = error_code
        self.message = message
        super().__init__(f"{operation}: {error_code}")

    def gap(self, fields: Iterable[str]) -> Gap:
        """A resource-level gap naming the fields this call would have filled."""
        return Gap(
            operation=self.operation,
            error_code=self.error_code,
            message=self.message,
            fields=tuple(fields),
        )

    def listing_gap(self, account: str, region: str | None, resource_type: str) -> ListingGap:
        return ListingGap.of(
            self, provider="aws", account=account, region=region, resource_type=resource_type
        )


def operation_name(client: Any, method: str) -> str:
    """``elbv2:DescribeSSLPolicies`` for ``(elbv2 client, "describe_ssl_policies")``."""
    service = client.meta.service_model.service_name
    api = client.meta.method_to_api_mapping.get(method, method)
    return f"{service}:{api}"


def _failure(operation: str, exc: Exception) -> CallFailed:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {}) or {}
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.get("Code") or status or "ClientError")
        return CallFailed(operation, code, f"HTTP {status}" if status else "client error")
    if isinstance(exc, ConnectTimeoutError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url") or "the endpoint")
        return CallFailed(operation, "ConnectTimeout", f"cannot reach {url} (connect timeout)")
    if isinstance(exc, ReadTimeoutError):
        return CallFailed(operation, "Timeout", type(exc).__name__)
    if isinstance(exc, ResponseParserError):  # e.g. an HTML 5xx page where XML was expected
        return CallFailed(operation, "ResponseParserError", "unparseable response")
    if isinstance(exc, EndpointConnectionError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url") or "the endpoint")
        return CallFailed(operation, "EndpointConnectionError", f"cannot reach {url}")
    return CallFailed(operation, type(exc).__name__, "request failed")


def call(client: Any, method: str, /, **kwargs: Any) -> dict[str, Any]:
    """Run ``client.<method>(**kwargs)``, following every page when the operation paginates.

    Raises :class:`CallFailed` for any error the service or the transport reports; botocore's own
    retries (standard or adaptive mode) have already run by then.
    """
    operation = operation_name(client, method)
    try:
        if client.can_paginate(method):
            result: dict[str, Any] = (
                client.get_paginator(method).paginate(**kwargs).build_full_result()
            )
            return result
        response: dict[str, Any] = getattr(client, method)(**kwargs)
        response.pop("ResponseMetadata", None)
        return response
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        raise _failure(operation, exc) from None


def is_code(failure: CallFailed, codes: Iterable[str]) -> bool:
    return failure.error_code in set(codes)


def cause(failure: CallFailed) -> str:
    """What went wrong, in the words of its real cause: unreachable, denied (naming the
    permission), throttled, credentials refused, bad input, or the service's own error."""
    code, operation = failure.error_code, failure.operation
    if code in UNREACHABLE_CODES:
        return f"{failure.message}: check the network, a proxy, and AWS_ENDPOINT_URL if set"
    if code in DENIED_CODES:
        return f"access denied: the credentials in use lack permission {operation} ({code})"
    if code in THROTTLED_CODES:
        return (
            f"throttled: {operation} answered {code} until the retries ran out; "
            "run again later or raise AWS_MAX_ATTEMPTS"
        )
    if code in CREDENTIAL_CODES:
        return (
            f"the AWS credentials were refused ({code} on {operation}): check the credential "
            "chain (environment, ~/.aws, --aws-profile, instance or task role)"
        )
    if code in BAD_INPUT_CODES:
        return f"bad input: {operation} rejected the request ({code})"
    if code == "Timeout":
        return f"{operation} timed out (BAA_AUDIT_AWS_READ_TIMEOUT raises the limit)"
    return f"{operation} failed ({code})"


__all__ = [
    "BAD_INPUT_CODES",
    "CREDENTIAL_CODES",
    "DENIED_CODES",
    "THROTTLED_CODES",
    "UNREACHABLE_CODES",
    "CallFailed",
    "call",
    "cause",
    "is_code",
    "operation_name",
]
