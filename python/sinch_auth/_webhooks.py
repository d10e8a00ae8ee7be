"""What every framework integration shares: the receiver from its arguments, the payload a
handler gets, and the 401 a refusal answers. The checks themselves are the core's
(``WebhookReceiver``); nothing here decides whether a delivery is genuine."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional, Union
from urllib.parse import parse_qsl

from ._native import ApplicationCredentials, Verified, WebhookReceiver
from .errors import SignatureError

Secret = Union[str, ApplicationCredentials]


@dataclass(frozen=True)
class Webhook:
    """A verified delivery: the raw bytes as received, the parsed payload (JSON, or the
    fields of a form post), and what the check found (``verified.secret_index`` …)."""

    body: bytes
    json: Any
    verified: Verified

    @property
    def product(self) -> str:
        return self.verified.product


def receiver_of(
    receiver: Union[WebhookReceiver, str],
    secrets: Optional[Union[Secret, Sequence[Secret]]],
    options: dict[str, Any],
) -> WebhookReceiver:
    """``receiver`` as given, or one built from a product name, its secret(s) and options."""
    if isinstance(receiver, WebhookReceiver):
        if secrets is not None or options:
            raise TypeError("give a WebhookReceiver, or a product name with secrets, not both")
        return receiver
    if secrets is None:
        raise TypeError(f"the {receiver!r} receiver needs its secret(s): secrets=...")
    return WebhookReceiver(receiver, secrets, **options)


def payload(content_type: Optional[str], body: bytes) -> Any:
    """JSON bodies parsed; form posts (Mailgun) as a dict of their fields; else None."""
    essence = (content_type or "").split(";")[0].strip().lower()
    if essence == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if essence.endswith("json") or (not essence and body[:1] in (b"{", b"[")):
        try:
            return json.loads(body)
        except ValueError:
            return None
    return None


def refusal(err: SignatureError) -> dict[str, Any]:
    """The body of the 401: the reason code and the message (never a secret)."""
    return {"error": "invalid_webhook_signature", "reason": err.reason, "message": str(err)}


def failed(status: int) -> bool:
    """A handler result after which the sender retries, so the replay record is undone."""
    return status >= 500
