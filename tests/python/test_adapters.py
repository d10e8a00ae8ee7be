"""The requests and httpx adapters end to end against the local server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import requests

import sinch_auth as sa
from conftest import LocalServer
from sinch_auth.httpx import SinchAuth as HttpxAuth
from sinch_auth.requests import SinchAuth as RequestsAuth


def creds(server: LocalServer) -> sa.ProjectCredentials:
    e = server.env
    return sa.ProjectCredentials(e["SINCH_PROJECT_ID"], e["SINCH_KEY_ID"], e["SINCH_KEY_SECRET"])


def app(server: LocalServer) -> sa.ApplicationCredentials:
    return sa.ApplicationCredentials(server.env["SINCH_APP_KEY"], server.env["SINCH_APP_SECRET"])


BODY = (
    b'{"method":"ttsCallout","ttsCallout":{"destination":'
    b'{"type":"number","endpoint":"+12025550123"},"text":"Hi"}}'
)


def test_requests_bearer_signed_basic_and_service_plan(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server), server.token_url)
    s = requests.Session()
    r = s.get(server.numbers_url, auth=RequestsAuth("numbers", provider=p), timeout=5)
    assert r.status_code == 200
    r = s.post(
        server.url + "/calling/v1/callouts?x=1",
        data=BODY,
        headers={"Content-Type": "application/json"},
        auth=RequestsAuth("voice", app(server)),
        timeout=5,
    )
    assert r.status_code == 200, r.text
    r = s.post(
        server.url + "/calling/v1/callouts",
        json={"a": "é"},
        auth=RequestsAuth("voice", app(server)),
        timeout=5,
    )
    assert r.status_code == 200, r.text
    e = server.env
    plan = sa.ServicePlanCredentials(e["SINCH_SERVICE_PLAN_ID"], e["SINCH_SMS_API_TOKEN"], "us")
    r = s.get(
        f"{server.url}/xms/v1/{plan.service_plan_id}/batches",
        auth=RequestsAuth("sms", plan),
        timeout=5,
    )
    assert r.status_code == 200
    mg = sa.MailgunCredentials(e["MAILGUN_API_KEY"], e["MAILGUN_DOMAIN"])
    r = s.get(f"{server.url}/v3/domains/{mg.domain}", auth=RequestsAuth("mailgun", mg), timeout=5)
    assert r.status_code == 200
    with pytest.raises(sa.ConfigError):
        RequestsAuth("voice", creds(server))


def test_requests_retries_once_after_an_expired_token(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server), server.token_url)
    s = requests.Session()
    auth = RequestsAuth("numbers", provider=p)
    assert s.get(server.numbers_url, auth=auth, timeout=5).status_code == 200
    server.expire_tokens()
    r = s.get(server.numbers_url, auth=auth, timeout=5)
    assert r.status_code == 200
    assert [h.status_code for h in r.history] == [401]
    c = server.counters()
    assert c["api_expired"] == 1 and c["tokens_issued"] == 2


def test_httpx_sync_bearer_signed_and_expired_retry(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server), server.token_url)
    with httpx.Client(timeout=5) as client:
        r = client.get(server.numbers_url, auth=HttpxAuth("numbers", provider=p))
        assert r.status_code == 200
        r = client.post(
            server.url + "/verification/v1/verifications",
            content=BODY,
            headers={"Content-Type": "application/json"},
            auth=HttpxAuth("verification", app(server)),
        )
        assert r.status_code == 200, r.text
        server.expire_tokens()
        r = client.get(server.numbers_url, auth=HttpxAuth("numbers", provider=p))
        assert r.status_code == 200
        assert server.counters()["api_expired"] == 1


def test_httpx_async(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server), server.token_url)

    async def main() -> list[int]:
        async with httpx.AsyncClient(timeout=5) as client:
            auth = HttpxAuth("numbers", provider=p)
            first = await asyncio.gather(
                *(client.get(server.numbers_url, auth=auth) for _ in range(20))
            )
            server.expire_tokens()
            again = await client.get(server.numbers_url, auth=auth)
            signed = await client.post(
                server.url + "/calling/v1/callouts",
                content=BODY,
                headers={"Content-Type": "application/json"},
                auth=HttpxAuth("voice", app(server)),
            )
            return [r.status_code for r in first] + [again.status_code, signed.status_code]

    statuses = asyncio.run(main())
    assert set(statuses) == {200}
    c = server.counters()
    assert c["tokens_issued"] == 2 and c["api_expired"] == 1


def test_a_tampered_signed_request_is_rejected(server: LocalServer) -> None:
    headers = sa.sign_request(app(server), "POST", "/calling/v1/callouts", BODY)
    r = requests.post(
        server.url + "/calling/v1/callouts",
        data=BODY.replace(b"Hi", b"Ho"),
        headers={**headers, "Content-Type": "application/json"},
        timeout=5,
    )
    assert r.status_code == 401 and "Invalid Signature" in r.text
