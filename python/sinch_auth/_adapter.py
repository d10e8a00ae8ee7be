"""What the requests and httpx adapters share: which header a product and credential set
need. The rules themselves (product -> model, signing, tokens) live in the Rust core."""

from __future__ import annotations

from typing import Optional, Union

from ._native import (
    AccessToken,
    ApplicationCredentials,
    MailgunCredentials,
    ProjectCredentials,
    ServicePlanCredentials,
    auth_model,
    is_expired_token_challenge,
    sign_request,
)
from ._provider import TokenProvider
from .errors import ConfigError

Credentials = Union[
    ProjectCredentials, ApplicationCredentials, ServicePlanCredentials, MailgunCredentials
]


class Authorizer:
    """Adds the right Authorization header for ``product``."""

    def __init__(
        self,
        product: str,
        credentials: Optional[Credentials] = None,
        *,
        provider: Optional[TokenProvider] = None,
        basic: bool = False,
    ) -> None:
        model = auth_model(product)
        self.provider: Optional[TokenProvider] = None
        self.credentials = credentials
        self.basic = basic
        if provider is not None:
            if model != "project":
                raise ConfigError(f"{product} does not use OAuth2 tokens", kind="config")
            self.provider = provider
        elif isinstance(credentials, ProjectCredentials):
            if model != "project":
                raise ConfigError(
                    f"{product} uses {model} credentials, not project Access Keys", kind="config"
                )
            self.provider = None if basic else TokenProvider(credentials)
        elif isinstance(credentials, ApplicationCredentials):
            if model != "application":
                raise ConfigError(
                    f"{product} uses {model} credentials, not application keys", kind="config"
                )
        elif isinstance(credentials, ServicePlanCredentials):
            if product.lower() != "sms":
                raise ConfigError("service-plan credentials are for SMS only", kind="config")
        elif isinstance(credentials, MailgunCredentials):
            if model != "api-key":
                raise ConfigError("Mailgun credentials are for Mailgun only", kind="config")
        else:
            raise ConfigError(
                "pass credentials (Project, Application, ServicePlan or MailgunCredentials)"
                " or provider=",
                kind="config",
            )

    def headers(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[dict[str, str], Optional[AccessToken]]:
        """The headers to set, and the bearer token used (to invalidate after a 401)."""
        if self.provider is not None:
            token = self.provider.token()
            return {"Authorization": token.authorization}, token
        c = self.credentials
        if isinstance(c, ApplicationCredentials):
            if self.basic:
                return {"Authorization": c.basic_authorization()}, None
            return sign_request(c, method, path, body, content_type), None
        if isinstance(c, ServicePlanCredentials):
            return {"Authorization": c.authorization()}, None
        if isinstance(c, (MailgunCredentials, ProjectCredentials)):
            return {"Authorization": c.basic_authorization()}, None
        raise ConfigError("no credentials", kind="config")

    def retry_after(self, token: Optional[AccessToken], status: int, headers: object) -> bool:
        """True when the response is an expired-token 401 for ``token``: it was invalidated
        and the request should be sent once more."""
        if token is None or self.provider is None:
            return False
        if not is_expired_token_challenge(status, headers):
            return False
        self.provider.invalidate(token)
        return True


def to_bytes(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    raise ConfigError(
        "cannot sign a streamed body: pass bytes so the signature covers the exact body",
        kind="config",
    )
