"""sinch-auth: Sinch authentication done once, in Rust.

Tokens (OAuth2 client credentials, cached and single-flight), application-signed requests for
Voice and Verification, inbound webhook verification, and failure diagnosis.
"""

from __future__ import annotations

import os

from . import _native
from ._native import (
    DEFAULT_CONTENT_TYPE,
    DEFAULT_TOKEN_URL,
    AccessToken,
    ApplicationCredentials,
    Diagnosis,
    MailgunCredentials,
    MemoryReplayGuard,
    ProjectCredentials,
    ServicePlanCredentials,
    SharedReplayGuard,
    Verified,
    WebhookReceiver,
    auth_model,
    base_url,
    basic_authorization,
    diagnose,
    is_expired_token_challenge,
    product_info,
    products,
    sign_request,
    sign_request_details,
    verify_application_callback,
    verify_conversation_webhook,
    verify_mailgun_webhook,
    verify_numbers_callback,
)
from ._provider import TokenProvider
from ._twins import (
    is_valid_application_callback,
    is_valid_conversation_webhook,
    is_valid_mailgun_webhook,
    is_valid_numbers_callback,
)
from .errors import (
    ConfigError,
    CredentialsError,
    ForbiddenError,
    InvalidResponseError,
    RateLimitedError,
    ServerError,
    SignatureError,
    SinchAuthError,
    TransportError,
)

__version__: str = _native.__version__

#: Default freshness window for webhook timestamps, in seconds.
DEFAULT_TOLERANCE: float = _native.DEFAULT_TOLERANCE


# A child process starts with fresh token providers (never a lock the parent held).
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_native._after_fork_in_child)


__all__ = [
    "AccessToken",
    "ApplicationCredentials",
    "ConfigError",
    "CredentialsError",
    "DEFAULT_CONTENT_TYPE",
    "DEFAULT_TOKEN_URL",
    "DEFAULT_TOLERANCE",
    "Diagnosis",
    "ForbiddenError",
    "InvalidResponseError",
    "MailgunCredentials",
    "MemoryReplayGuard",
    "ProjectCredentials",
    "RateLimitedError",
    "ServerError",
    "ServicePlanCredentials",
    "SignatureError",
    "SharedReplayGuard",
    "SinchAuthError",
    "TokenProvider",
    "TransportError",
    "Verified",
    "WebhookReceiver",
    "auth_model",
    "base_url",
    "basic_authorization",
    "diagnose",
    "is_expired_token_challenge",
    "is_valid_application_callback",
    "is_valid_conversation_webhook",
    "is_valid_mailgun_webhook",
    "is_valid_numbers_callback",
    "product_info",
    "products",
    "sign_request",
    "sign_request_details",
    "verify_application_callback",
    "verify_conversation_webhook",
    "verify_mailgun_webhook",
    "verify_numbers_callback",
]
