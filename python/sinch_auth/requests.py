"""``requests`` adapter: ``requests.get(url, auth=SinchAuth("numbers", creds))``."""

from __future__ import annotations

from typing import Any, Optional

import requests
from requests.auth import AuthBase

from ._adapter import Authorizer, Credentials, to_bytes
from ._provider import TokenProvider


class SinchAuth(AuthBase):
    """Adds the right Authorization for ``product`` (bearer, application signature over the
    actual body and path, Basic, or SMS service-plan token) and, after an expired-token 401,
    invalidates that token and retries once."""

    def __init__(
        self,
        product: str,
        credentials: Optional[Credentials] = None,
        *,
        provider: Optional[TokenProvider] = None,
        basic: bool = False,
    ) -> None:
        self._auth = Authorizer(product, credentials, provider=provider, basic=basic)

    def _apply(self, r: requests.PreparedRequest) -> None:
        body = to_bytes(r.body)
        content_type = r.headers.get("Content-Type", "")
        headers, token = self._auth.headers(r.method or "GET", r.path_url, body, content_type)
        r.headers.update(headers)
        r._sinch_token = token  # type: ignore[attr-defined]

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        self._apply(r)
        r.register_hook("response", self._on_response)
        return r

    def _on_response(self, resp: requests.Response, **kwargs: Any) -> requests.Response:
        req = resp.request
        if getattr(req, "_sinch_retried", False):
            return resp
        token = getattr(req, "_sinch_token", None)
        if not self._auth.retry_after(token, resp.status_code, resp.headers):
            return resp
        _ = resp.content
        resp.close()
        again = req.copy()
        again.hooks = {"response": []}
        self._apply(again)
        again._sinch_retried = True  # type: ignore[attr-defined]
        connection = resp.connection  # type: ignore[attr-defined]
        retried: requests.Response = connection.send(again, **kwargs)
        retried.history.append(resp)
        retried.request = again
        return retried


__all__ = ["SinchAuth"]
