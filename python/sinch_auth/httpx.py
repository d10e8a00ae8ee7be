"""``httpx`` adapter: ``httpx.Client(auth=SinchAuth("voice", app))``, sync and async."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Optional

import httpx

from ._adapter import Authorizer, Credentials
from ._native import AccessToken, TokenProvider


class SinchAuth(httpx.Auth):
    """Adds the right Authorization for ``product`` and retries once after an expired-token
    401. Token fetches run in a worker thread in async flows, so the event loop keeps going."""

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

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        import anyio.to_thread

        token = await anyio.to_thread.run_sync(self._apply, request)
        response = yield request
        if self._auth.retry_after(token, response.status_code, response.headers.multi_items()):
            await anyio.to_thread.run_sync(self._apply, request)
            yield request


__all__ = ["SinchAuth"]
