#!/usr/bin/env python3
"""Writes the seed inputs of each fuzz target (valid and near-valid inputs, so the fuzzer
starts past the signature checks). Standard library only; run it from anywhere."""

import base64
import hashlib
import hmac
import json
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_SECRET = base64.b64decode("bXkta2V5LXNlY3JldA==")


def write(target: str, name: str, data: bytes) -> None:
    d = HERE / target
    d.mkdir(exist_ok=True)
    (d / name).write_bytes(data)


def application(body: bytes, ct: str, ts: str, scheme: str = "Application") -> bytes:
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    # The target signs the content type as the path too.
    sts = f"POST\n{md5}\n{ct}\nx-timestamp:{ts}\n{ct}"
    sig = base64.b64encode(hmac.new(APP_SECRET, sts.encode(), hashlib.sha256).digest()).decode()
    return b"\0".join([f"{scheme} app-key:{sig}".encode(), ts.encode(), ct.encode(), body])


write(
    "authorization_header",
    "valid",
    application(b'{"event":"ace"}', "/hook", "2024-01-19T09:19:28.937Z"),
)
write(
    "authorization_header",
    "valid_lowercase_empty_body",
    application(b"", "/h", "2024-01-19T09:19:28Z", "application"),
)
write(
    "authorization_header",
    "offset_timestamp",
    application(b"x", "/h", "2024-01-19T10:19:28.9372196+01:00"),
)
write("authorization_header", "basic", b"Basic YXBwLWtleTpteS1rZXktc2VjcmV0\0\0/h\0")

body, nonce, ts = b'{"message":{}}', b"01FJA8B4A7BM43YGWSG9GBV067", b"1705655968"
conv = base64.b64encode(
    hmac.new(b"secret", body + b"." + nonce + b"." + ts, hashlib.sha256).digest()
)
write("webhook_headers", "conversation", b"\0".join([conv, nonce, ts, b"HmacSHA256", body]))
numbers = hmac.new(b"secret", body, hashlib.sha1).hexdigest().encode()
write("webhook_headers", "numbers", b"\0".join([numbers, b"", b"", b"", body]))
token = b"0123456789abcdef0123456789abcdef0123456789abcdef00"
mailgun = hmac.new(b"key", ts + token, hashlib.sha256).hexdigest().encode()
write("webhook_headers", "mailgun", b"\0".join([mailgun, token, ts, b"", b""]))

for secret in [
    "bXkta2V5LXNlY3JldA==",
    "bXkta2V5LXNlY3JldA",
    "bXkta2V5-_NlY3JldA==",
    "Zm9vYg==",
    "",
]:
    write("base64_secret", "s" + hashlib.sha1(secret.encode()).hexdigest()[:8], secret.encode())

claims = base64.urlsafe_b64encode(json.dumps({"exp": 1705659568}).encode()).rstrip(b"=").decode()
jwt = f"eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln"
for name, status, doc in [
    ("ok", 200, {"access_token": jwt, "expires_in": 3599, "scope": "", "token_type": "bearer"}),
    ("ok_float", 200, {"access_token": "t", "expires_in": 1.5, "token_type": "Bearer"}),
    (
        "oauth_error",
        401,
        {"error": "invalid_client", "error_description": "Client authentication failed"},
    ),
    ("rate_limited", 429, {"error": "rate_limited"}),
]:
    write("token_response", name, struct.pack("<H", status) + json.dumps(doc).encode())

for name, text in [
    (
        "expired",
        'Bearer error="invalid_token", error_description="Jwt expired at 2024-01-19T09:19:28Z"',
    ),
    ("basic", 'Basic realm="sinch"'),
    ("retry_after_date", "Wed, 21 Oct 2015 07:28:00 GMT"),
    ("timestamp", "2024-01-19T09:19:28.9372196Z"),
]:
    write("www_authenticate", name, text.encode())
