"""Uses the whole public API; `mypy --strict` checks it against the stubs."""

from __future__ import annotations

from datetime import timedelta

import httpx
import requests

import sinch_auth as sa
from sinch_auth.httpx import SinchAuth as HttpxAuth
from sinch_auth.requests import SinchAuth as RequestsAuth


def everything(token_url: str) -> list[object]:
    model: str = sa.auth_model("voice")
    names: list[str] = sa.products()
    url: str = sa.base_url("conversation", "eu")
    info = sa.product_info("numbers")
    project = sa.ProjectCredentials("p", "k", "s")
    app = sa.ApplicationCredentials("k", "YQ==")
    plan = sa.ServicePlanCredentials("id", "token", "us")
    mail = sa.MailgunCredentials("key", "example.com", region="eu")
    provider = sa.TokenProvider(project, token_url, timeout=timedelta(seconds=5), max_retries=3)
    token: sa.AccessToken = provider.token()
    header: str = provider.authorization()
    cleared: bool = provider.invalidate(token)
    left: float = token.expires_in
    signed: dict[str, str] = sa.sign_request(app, "POST", "/calling/v1/callouts", b"{}")
    try:
        sa.verify_application_callback(app, "POST", "/cb", {"authorization": "x"}, b"", now=0)
        sa.verify_conversation_webhook("s", {}, b"", tolerance=None)
        sa.verify_numbers_callback("s", [("X-Sinch-Signature", "00")], "body")
        sa.verify_mailgun_webhook("k", 1, "t", "s", replay_guard=sa.MemoryReplayGuard())
    except sa.SignatureError as e:
        reason: str | None = e.reason
        names.append(reason or "")
    except sa.SinchAuthError as e:
        retry: bool = e.retryable
        names.append(str(retry))
    d: sa.Diagnosis = sa.diagnose("numbers", 401, {}, b"")
    basic: str = sa.basic_authorization("u", "p")
    expired: bool = sa.is_expired_token_challenge(401, {"www-authenticate": "expired"})
    r1 = requests.get("http://127.0.0.1:1", auth=RequestsAuth("numbers", provider=provider))
    r2 = httpx.get("http://127.0.0.1:1", auth=HttpxAuth("sms", plan))
    return [model, url, info, mail, header, cleared, left, signed, d.fix, basic, expired, r1, r2]


def receivers() -> list[object]:
    """The webhook receiver and its Flask and FastAPI integrations, as typed code uses them."""
    from fastapi import Depends, FastAPI
    from flask import Flask

    from sinch_auth.fastapi import sinch_webhook as fastapi_webhook
    from sinch_auth.flask import Webhook
    from sinch_auth.flask import sinch_webhook as flask_webhook

    app = sa.ApplicationCredentials("key", "c2VjcmV0")
    receiver = sa.WebhookReceiver("voice", [app], add_prefix="/sinch", trust_forwarded=True)
    found: sa.Verified = receiver.verify("POST", "/voice", {}, b"{}")
    index: int = found.secret_index
    public: str | None = found.public_url
    ok: bool = receiver.is_valid("POST", "/voice", {}, b"{}") and sa.is_valid_numbers_callback(
        "s", {}, b""
    )
    receiver.forget(found)
    site = Flask("typed")

    @site.post("/hook")
    @flask_webhook("conversation", secrets=["new", "old"], replay_guard=True)
    def hook(webhook: Webhook) -> dict[str, int]:
        return {"secret": webhook.verified.secret_index}

    api = FastAPI()
    dep = Depends(fastapi_webhook("numbers", "s"))

    @api.post("/numbers")
    async def numbers(webhook: Webhook = dep) -> dict[str, object]:
        return {"json": webhook.json}

    return [index, public, ok, hook, numbers]
