"""Pure-Python signing and verification, written the way the official Python SDK does it
(sinch v1.3 `sinch/core/signature.py`; v2 `authentication_validation.py`). A benchmark
baseline only: not shipped, not used by the library."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign_request(
    key: str, secret: str, method: str, path: str, body: bytes, content_type: str, timestamp: str
) -> dict[str, str]:
    content_md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    string_to_sign = (
        method.upper()
        + "\n"
        + content_md5
        + "\n"
        + content_type
        + "\n"
        + "x-timestamp:"
        + timestamp
        + "\n"
        + path
    )
    signature = base64.b64encode(
        hmac.new(base64.b64decode(secret), string_to_sign.encode(), hashlib.sha256).digest()
    ).decode()
    return {"Authorization": f"Application {key}:{signature}", "x-timestamp": timestamp}


def verify_conversation(secret: str, headers: dict[str, str], body: bytes) -> bool:
    h = {k.lower(): v for k, v in headers.items()}
    signed = (
        body
        + b"."
        + h["x-sinch-webhook-signature-nonce"].encode()
        + b"."
        + h["x-sinch-webhook-signature-timestamp"].encode()
    )
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, h["x-sinch-webhook-signature"])


def verify_numbers(secret: str, headers: dict[str, str], body: bytes) -> bool:
    h = {k.lower(): v for k, v in headers.items()}
    expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected, h["x-sinch-signature"])
