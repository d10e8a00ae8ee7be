"""``httpx`` adapter: ``httpx.Client(auth=SinchAuth("voice", app))``, sync and async."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Optional

import httpx

from ._adapter import Authorizer, Credentials
from ._native import AccessToken
from ._provider import TokenProvider


class SinchAuth(httpx.Auth):
    """Adds the right Authorization for ``product`` and retries once after an expired-token
    401. In async flows the token is awaited (``TokenProvider.token_async``), so the event loop
    keeps going."""

    requires_request_body = True

    def __init__(
        self,
        product: str,
        credentials: Optional[Credentials] = None,
        *,
        provider: Optional[TokenProvider] = None,
        basic: bool = False,
    ) -> None:
        self._auth = Authorizer(product, credentials, provider=provider, basic=basic)

    def _apply(self, request: httpx.Request) -> Optional[AccessToken]:
        path = request.url.raw_path.decode("ascii")
        content_type = request.headers.get("Content-Type", "")
        headers, token = self._auth.headers(request.method, path, request.content, content_type)
        request.headers.update(headers)
        return token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._apply(request)
        response = yield request
        if self._auth.retry_after(token, response.status_code, response.headers.multi_items()):
            self._apply(request)
            yield request

    async def _apply_async(self, request: httpx.Request) -> Optional[AccessToken]:
        # Only a token fetch can wait on the network: it is awaited (one shared fetch, the
        # event loop keeps going); signing and static headers are computed in place.
        provider = self._auth.provider
        if provider is None:
            return self._apply(request)
        token = await provider.token_async()
        request.headers["Authorization"] = token.authorization
        return token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._apply_async(request)
        response = yield request
        if self._auth.retry_after(token, response.status_code, response.headers.multi_items()):
            await self._apply_async(request)
            yield request


__all__ = ["SinchAuth"]
