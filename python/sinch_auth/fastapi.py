"""FastAPI / Starlette: ``webhook: Webhook = Depends(sinch_webhook("voice", secrets=app))``.

The dependency reads ``await request.body()`` (the raw bytes, before anything parses them),
verifies them, and gives the endpoint a :class:`~sinch_auth._webhooks.Webhook` (raw bytes,
parsed JSON, which secret matched). A delivery that is not genuine is answered 401 with the
reason code and the endpoint never runs. When the endpoint raises, the replay record is
undone so the sender's retry is accepted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Optional, Union

from fastapi import HTTPException, Request

from ._native import WebhookReceiver
from ._webhooks import Secret, Webhook, payload, receiver_of, refusal
from .errors import SignatureError

__all__ = ["Webhook", "sinch_webhook"]


def sinch_webhook(
    receiver: Union[WebhookReceiver, str],
    secrets: Optional[Union[Secret, Sequence[Secret]]] = None,
    **options: Any,
) -> Callable[[Request], AsyncIterator[Webhook]]:
    """A dependency verifying the request; see the module doc."""
    checker = receiver_of(receiver, secrets, options)

    async def dependency(request: Request) -> AsyncIterator[Webhook]:
        body = await request.body()
        try:
            verified = checker.verify(request.method, request.url.path, request.headers, body)
        except SignatureError as e:
            raise HTTPException(status_code=401, detail=refusal(e)) from None
        try:
            yield Webhook(body, payload(request.headers.get("content-type"), body), verified)
        except BaseException:
            checker.forget(verified)
            raise

    return dependency
