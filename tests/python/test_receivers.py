"""WebhookReceiver: the shared vectors (rotation, proxy paths, Mailgun bodies, replays), the
helpful refusals, and the Flask, FastAPI and Django integrations, each a real server on
loopback reached over HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sinch_auth as sa
from conftest import load_vectors
from sinch_auth import SignatureError, WebhookReceiver


def build(case: dict[str, Any]) -> WebhookReceiver:
    secrets: list[Any] = [
        s if isinstance(s, str) else sa.ApplicationCredentials(s["app_key"], s["app_secret"])
        for s in case["secrets"]
    ]
    o = case["options"]
    kwargs: dict[str, Any] = {}
    p = o.get("public_path")
    if p is not None:
        if "fixed" in p:
            kwargs["public_path"] = p["fixed"]
        else:
            kwargs["strip_prefix"], kwargs["add_prefix"] = p["strip"], p["add"]
    if "trust_forwarded" in o:
        kwargs["trust_forwarded"] = o["trust_forwarded"]
    if "replay_guard" in o:
        kwargs["replay_guard"] = o["replay_guard"]
    return WebhookReceiver(case["product"], secrets, **kwargs)


@pytest.mark.parametrize("case", load_vectors("webhook_receivers.json"), ids=lambda c: c["id"])
def test_vectors(case: dict[str, Any]) -> None:
    expect = case["expect"]
    args = (case["method"], case["path"], case["headers"], case["body"].encode())
    try:
        r = build(case)
        for _ in range(case["repeat"] - 1):
            r.verify(*args, now=case["now"])
        v = r.verify(*args, now=case["now"])
    except sa.SinchAuthError as e:
        assert not expect["valid"], f"{case['id']}: {e!r}"
        assert e.kind == expect["kind"]
        if "reason" in expect:
            assert e.reason == expect["reason"]
        return
    assert expect["valid"], case["id"]
    assert v.secret_index == expect["secret_index"]
    assert v.product == case["product"]
    if "signed_path" in expect:
        assert v.signed_path == expect["signed_path"]
    if "public_url" in expect:
        assert v.public_url == expect["public_url"]
    if case["repeat"] == 1:
        assert build(case).is_valid(*args, now=case["now"])


SECRET_NEW, SECRET_OLD = "whsec-new", "whsec-old"


def conversation(secret: str, body: bytes, nonce: str = "n1") -> dict[str, str]:
    ts = str(int(time.time()))
    mac = hmac.new(secret.encode(), body + f".{nonce}.{ts}".encode(), hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "x-sinch-webhook-signature": base64.b64encode(mac.digest()).decode(),
        "x-sinch-webhook-signature-nonce": nonce,
        "x-sinch-webhook-signature-timestamp": ts,
    }


def mailgun_form(key: str, token: str) -> bytes:
    ts = str(int(time.time()))
    sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    return f"timestamp={ts}&token={token}&signature={sig}&event=delivered".encode()


def test_refusals_say_what_to_do() -> None:
    r = WebhookReceiver("conversation", [SECRET_NEW, SECRET_OLD])
    with pytest.raises(sa.ConfigError) as e:
        r.verify("POST", "/c", {}, {"parsed": "json"})  # type: ignore[arg-type]
    assert "raw bytes" in str(e.value) and "request.get_data()" in str(e.value)
    assert isinstance(e.value, ValueError)
    with pytest.raises(SignatureError) as s:
        r.verify("POST", "/c", {"x-sinch-webhook-signature": "x"}, b"{}")
    assert s.value.reason == "missing_header"
    assert "x-sinch-webhook-signature-nonce" in str(s.value)
    stale = conversation(SECRET_OLD, b"{}")
    with pytest.raises(SignatureError) as s:
        r.verify("POST", "/c", stale, b"{}", now=time.time() + 3600)
    assert s.value.reason == "stale_timestamp" and "old" in str(s.value)
    assert not r.is_valid("POST", "/c", conversation("whsec-other", b"{}"), b"{}")
    with pytest.raises(sa.ConfigError, match="webhook signing key"):
        WebhookReceiver("mailgun", "0123456789abcdef0123456789abcdef-0123abcd-4567ef01")
    with pytest.raises(sa.ConfigError, match="ApplicationCredentials"):
        WebhookReceiver("voice", "a-secret-string")
    with pytest.raises(sa.ConfigError, match="voice, verification"):
        WebhookReceiver("fax", "s")
    assert "whsec" not in repr(r)


def test_boolean_twins_of_the_verify_functions() -> None:
    h = conversation(SECRET_NEW, b"{}")
    assert sa.is_valid_conversation_webhook(SECRET_NEW, h, b"{}")
    assert not sa.is_valid_conversation_webhook(SECRET_OLD, h, b"{}")
    with pytest.raises(sa.ConfigError):
        sa.is_valid_conversation_webhook(SECRET_NEW, h, {"a": 1})  # type: ignore[arg-type]


# ---- the frameworks, each serving on loopback


class Seen:
    def __init__(self) -> None:
        self.calls: list[Any] = []
        self.fail_next = False


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


def serve_wsgi(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()


def flask_app(seen: Seen) -> Any:
    from flask import Flask

    from sinch_auth.flask import Webhook, sinch_webhook

    app = Flask("receivers")

    def handle(webhook: Webhook) -> Any:
        seen.calls.append(webhook)
        if seen.fail_next:
            seen.fail_next = False
            return {"error": "down"}, 503
        return {"ok": True, "secret_index": webhook.verified.secret_index, "json": webhook.json}

    @app.post("/conversation")
    @sinch_webhook("conversation", secrets=[SECRET_NEW, SECRET_OLD])
    def conv(webhook: Webhook) -> Any:
        return handle(webhook)

    @app.post("/mailgun")
    @sinch_webhook("mailgun", secrets="mg-signing-key")
    def mg(webhook: Webhook) -> Any:
        return handle(webhook)

    @app.post("/voice")
    @sinch_webhook("voice", secrets=VOICE_APP, add_prefix="/sinch")
    def voice(webhook: Webhook) -> Any:
        return handle(webhook)

    return app


def fastapi_app(seen: Seen) -> Any:
    from fastapi import Depends, FastAPI

    from sinch_auth.fastapi import Webhook, sinch_webhook

    app = FastAPI()

    def handle(webhook: Webhook) -> Any:
        seen.calls.append(webhook)
        if seen.fail_next:
            seen.fail_next = False
            raise RuntimeError("the handler failed")
        return {"ok": True, "secret_index": webhook.verified.secret_index, "json": webhook.json}

    conv_hook = Depends(sinch_webhook("conversation", [SECRET_NEW, SECRET_OLD]))
    mg_hook = Depends(sinch_webhook("mailgun", "mg-signing-key"))
    voice_hook = Depends(sinch_webhook("voice", VOICE_APP, add_prefix="/sinch"))

    @app.post("/conversation")
    async def conv(webhook: Webhook = conv_hook) -> Any:
        return handle(webhook)

    @app.post("/mailgun")
    async def mg(webhook: Webhook = mg_hook) -> Any:
        return handle(webhook)

    @app.post("/voice")
    async def voice(webhook: Webhook = voice_hook) -> Any:
        return handle(webhook)

    return app


def django_app(seen: Seen) -> Any:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["127.0.0.1", "localhost"],
            ROOT_URLCONF=__name__,
            SECRET_KEY="tests-only",
            MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        )
        django.setup()
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import path

    from sinch_auth.django import Webhook, sinch_webhook

    def handle(webhook: Webhook) -> HttpResponse:
        seen.calls.append(webhook)
        if seen.fail_next:
            seen.fail_next = False
            return JsonResponse({"error": "down"}, status=503)
        body = {"ok": True, "secret_index": webhook.verified.secret_index, "json": webhook.json}
        return JsonResponse(body)

    @sinch_webhook("conversation", secrets=[SECRET_NEW, SECRET_OLD])
    def conv(request: HttpRequest, webhook: Webhook) -> HttpResponse:
        return handle(webhook)

    @sinch_webhook("mailgun", secrets="mg-signing-key")
    def mg(request: HttpRequest, webhook: Webhook) -> HttpResponse:
        return handle(webhook)

    @sinch_webhook("voice", secrets=VOICE_APP, add_prefix="/sinch")
    def voice(request: HttpRequest, webhook: Webhook) -> HttpResponse:
        return handle(webhook)

    global urlpatterns
    urlpatterns = [path("conversation", conv), path("mailgun", mg), path("voice", voice)]
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


urlpatterns: list[Any] = []
VOICE_APP = sa.ApplicationCredentials("voice-app", "c2VjcmV0LW9mLXRoZS12b2ljZS1hcHA=")


def serve_fastapi(app: Any) -> Iterator[str]:
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not (srv.started and srv.servers):
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = srv.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        t.join(5)


FRAMEWORKS: dict[str, tuple[Callable[[Seen], Any], Callable[[Any], Iterator[str]]]] = {
    "flask": (flask_app, serve_wsgi),
    "fastapi": (fastapi_app, serve_fastapi),
    "django": (django_app, serve_wsgi),
}


@pytest.fixture(params=sorted(FRAMEWORKS))
def site(request: pytest.FixtureRequest) -> Iterator[tuple[str, Seen, str]]:
    make, serve = FRAMEWORKS[request.param]
    seen = Seen()
    gen = serve(make(seen))
    url = next(gen)
    yield request.param, seen, url
    next(gen, None)


def refusal_of(framework: str, answer: Any) -> dict[str, Any]:
    # FastAPI puts an HTTPException's detail under "detail".
    return answer["detail"] if framework == "fastapi" else answer  # type: ignore[no-any-return]


def test_framework_integrations(site: tuple[str, Seen, str]) -> None:
    framework, seen, url = site
    body = b'{"message_delivery_report":{"status":"DELIVERED"}}'
    # The old secret during a rotation: accepted, and the handler learns which one matched.
    status, answer = post(f"{url}/conversation", body, conversation(SECRET_OLD, body))
    assert status == 200, answer
    assert answer["secret_index"] == 1
    assert answer["json"] == {"message_delivery_report": {"status": "DELIVERED"}}
    assert seen.calls[-1].body == body
    # Tampered: 401 with the reason code, and the handler never runs.
    calls = len(seen.calls)
    status, answer = post(f"{url}/conversation", body + b" ", conversation(SECRET_NEW, body))
    assert status == 401
    assert refusal_of(framework, answer)["reason"] == "bad_signature"
    status, answer = post(f"{url}/conversation", body, {"Content-Type": "application/json"})
    assert status == 401
    assert refusal_of(framework, answer)["reason"] == "missing_header"
    assert len(seen.calls) == calls

    # Mailgun, form-encoded: replay guard on by default; a failed handler lets the retry in.
    form = mailgun_form("mg-signing-key", "tok-1")
    ct = {"Content-Type": "application/x-www-form-urlencoded"}
    seen.fail_next = True
    status, _ = post(f"{url}/mailgun", form, ct)
    assert status >= 500
    status, answer = post(f"{url}/mailgun", form, ct)
    assert status == 200, answer
    assert answer["json"]["event"] == "delivered"
    status, answer = post(f"{url}/mailgun", form, ct)
    assert status == 401
    assert refusal_of(framework, answer)["reason"] == "replayed"

    # Voice behind a proxy that took /sinch off: the receiver puts it back before checking.
    signed = sa.sign_request(
        VOICE_APP, "POST", "/sinch/voice", body=body, content_type="application/json"
    )
    headers = {"Content-Type": "application/json", **signed}
    status, answer = post(f"{url}/voice", body, headers)
    assert status == 200, answer
    assert seen.calls[-1].verified.signed_path == "/sinch/voice"


def test_a_fleet_of_mailgun_receivers_shares_its_replay_guard_through_redis(
    redis_url: str,
) -> None:
    # Two instances of one app (two processes in production), one Redis guard.
    a, b = (
        WebhookReceiver(
            "mailgun", "mg-key", replay_guard=sa.SharedReplayGuard(redis_url, on_failure="reject")
        )
        for _ in range(2)
    )
    form = mailgun_form("mg-key", "fleet-token")
    ct = {"Content-Type": "application/x-www-form-urlencoded"}
    v = a.verify("POST", "/mg", ct, form)
    with pytest.raises(SignatureError) as e:
        b.verify("POST", "/mg", ct, form)
    assert e.value.reason == "replayed"
    # The handler on `a` failed: forgetting lets the sender's retry in on any instance.
    a.forget(v)
    b.verify("POST", "/mg", ct, form)
