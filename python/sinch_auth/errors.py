"""The error classes. Every error carries ``kind``, ``retryable``, ``status_code`` and, for
signature errors, ``reason``. Messages say what happened and what to do; they never contain a
secret, a token, a request body or an Authorization header.

No runtime import of ``typing`` here: it would cost more than the rest of ``import sinch_auth``."""

from __future__ import annotations


class SinchAuthError(Exception):
    """Base class of every sinch-auth error (``kind == "internal"`` for a bug in sinch-auth)."""

    default_kind = "internal"

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        retryable: bool = False,
        status_code: int | None = None,
        reason: str | None = None,
        oauth_error: dict[str, str | None] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind: str = kind or self.default_kind
        self.retryable = retryable
        self.status_code = status_code
        self.reason = reason
        self.oauth_error = oauth_error

    def __repr__(self) -> str:
        extra = f", reason={self.reason!r}" if self.reason else ""
        return (
            f"{type(self).__name__}(kind={self.kind!r}, status_code={self.status_code!r}"
            f"{extra}, message={self.message!r})"
        )


class ConfigError(SinchAuthError, ValueError):
    """Bad or missing configuration: env vars, credential shapes, URLs, arguments. Also a
    ``ValueError``, so ``except ValueError`` catches bad input too."""

    default_kind = "config"


class CredentialsError(SinchAuthError):
    """The credentials were rejected (401)."""

    default_kind = "credentials"


class ForbiddenError(SinchAuthError):
    """Valid credentials, not allowed here (403)."""

    default_kind = "forbidden"


class RateLimitedError(SinchAuthError):
    """429 after the retries were spent."""

    default_kind = "rate_limited"


class ServerError(SinchAuthError):
    """5xx after the retries were spent."""

    default_kind = "server"


class TransportError(SinchAuthError):
    """Connect, timeout, TLS or reset."""

    default_kind = "transport"


class InvalidResponseError(SinchAuthError):
    """The server answered something that is not a valid token response."""

    default_kind = "invalid_response"


class SignatureError(SinchAuthError):
    """An inbound request failed verification; ``reason`` says why."""

    default_kind = "signature"


__all__ = [
    "SinchAuthError",
    "ConfigError",
    "CredentialsError",
    "ForbiddenError",
    "RateLimitedError",
    "ServerError",
    "TransportError",
    "InvalidResponseError",
    "SignatureError",
]
