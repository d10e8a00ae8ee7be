"""sinch-auth inside asyncio and on real networks: awaitable tokens that keep the event loop
ticking and share one fetch with sync callers, cancellation that spares the others, a paused
rejected key, the User-Agent, and a token URL whose password never shows."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pathlib
import threading
import time
import urllib.request

import httpx
import pytest

import sinch_auth as sa
from conftest import LocalServer
from sinch_auth.httpx import SinchAuth


def creds(server: LocalServer, secret: str | None = None) -> sa.ProjectCredentials:
    e = server.env
    return sa.ProjectCredentials(
        e["SINCH_PROJECT_ID"], e["SINCH_KEY_ID"], secret or e["SINCH_KEY_SECRET"]
    )


def test_token_async_keeps_the_event_loop_ticking_and_shares_one_fetch(
    server: LocalServer,
) -> None:
    server.faults("slow:2000")
    p = sa.TokenProvider(creds(server), server.token_url)
    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    async def main() -> list[sa.AccessToken]:
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(stop))
        # A sync caller in a thread and 32 coroutines: one request for all of them.
        sync_result: list[sa.AccessToken] = []
        t = threading.Thread(target=lambda: sync_result.append(p.token()))
        t.start()
        tokens = await asyncio.gather(*(p.token_async() for _ in range(32)))
        auth = await p.authorization_async()
        stop.set()
        await tick
        t.join()
        assert auth == tokens[0].authorization
        return [*tokens, *sync_result]

    tokens = asyncio.run(main())
    assert len({t.token for t in tokens}) == 1
    assert server.counters()["token_requests"] == 1
    # The longest wait beyond the ticker's own 10 ms sleep: under 20 ms, while the fetch took 2 s.
    stall = max(gaps) - 0.01
    assert stall < 0.02, f"the event loop stalled {stall * 1000:.0f} ms"


def test_a_cancelled_waiter_does_not_cancel_the_fetch_for_the_others(
    server: LocalServer,
) -> None:
    server.faults("slow:1000")
    p = sa.TokenProvider(creds(server), server.token_url)

    async def main() -> sa.AccessToken:
        mine = asyncio.create_task(p.token_async())
        other = asyncio.create_task(p.token_async())
        await asyncio.sleep(0.1)
        mine.cancel()
        with pytest.raises(asyncio.CancelledError):
            await mine
        return await other

    assert asyncio.run(main()).token
    assert server.counters()["token_requests"] == 1


def test_token_async_raises_the_library_error(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server, "wrong-secret"), server.token_url)
    with pytest.raises(sa.CredentialsError):
        asyncio.run(p.token_async())


def test_the_httpx_async_adapter_awaits_the_token(server: LocalServer) -> None:
    server.faults("slow:1000")
    p = sa.TokenProvider(creds(server), server.token_url)
    gaps: list[float] = []

    async def main() -> int:
        stop = asyncio.Event()

        async def ticker() -> None:
            last = time.perf_counter()
            while not stop.is_set():
                await asyncio.sleep(0.01)
                gaps.append(time.perf_counter() - last)
                last = time.perf_counter()

        tick = asyncio.create_task(ticker())
        async with httpx.AsyncClient(auth=SinchAuth("numbers", provider=p)) as client:
            statuses = await asyncio.gather(*(client.get(server.numbers_url) for _ in range(8)))
        stop.set()
        await tick
        assert {r.status_code for r in statuses} == {200}
        return len(statuses)

    assert asyncio.run(main()) == 8
    assert server.counters()["token_requests"] == 1
    assert max(gaps) < 0.03, f"the event loop stalled {max(gaps) * 1000:.0f} ms"


def test_a_rejected_key_is_not_asked_again_in_a_tight_loop(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server, "wrong-secret"), server.token_url)
    end = time.monotonic() + 1.5
    calls = 0
    last: Exception | None = None
    while time.monotonic() < end:
        try:
            p.token()
        except sa.CredentialsError as e:
            last = e
        calls += 1
    assert last is not None and "not asked again before" in str(last)
    assert calls > 100
    assert server.counters()["token_requests"] <= 2


def test_the_user_agent_names_the_python_binding(server: LocalServer) -> None:
    sa.TokenProvider(creds(server), server.token_url).token()
    with urllib.request.urlopen(server.url + "/_admin/last-token-request") as r:
        ua = json.load(r)["user_agent"]
    assert ua == f"sinch-auth/{sa.__version__} (python)"


def test_a_token_url_with_a_password_works_and_never_shows_it(server: LocalServer) -> None:
    url = server.token_url.replace("http://", "http://gw-user:PW-s3cret@")
    p = sa.TokenProvider(creds(server), url)
    assert "PW-s3cret" not in p.token_url and "PW-s3cret" not in repr(p)
    p.token()
    refused = sa.TokenProvider(
        creds(server), "http://gw-user:PW-s3cret@127.0.0.1:1/oauth2/token", max_retries=0
    )
    with pytest.raises(sa.TransportError) as info:
        refused.token()
    assert "PW-s3cret" not in str(info.value)
    assert "127.0.0.1:1 refused the connection" in str(info.value)


def test_events_reach_logging_and_hold_no_secret(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sinch_auth")
    url = server.token_url.replace("http://", "http://gw:PW-url@")
    tokens = []
    server.faults("503")
    p = sa.TokenProvider(creds(server), url)
    t = p.token()
    tokens.append(t.token)
    assert p.invalidate(t)
    tokens.append(p.token().token)
    for fault in ("403", "429", "malformed", "drop"):
        server.faults(fault)
        with pytest.raises(sa.SinchAuthError):
            sa.TokenProvider(creds(server), url, max_retries=0).token()
    wrong = sa.TokenProvider(creds(server, "wrong-SECRET-marker"), url)
    for _ in range(2):
        with pytest.raises(sa.CredentialsError):
            wrong.token()
    records = [r for r in caplog.records if r.name == "sinch_auth"]
    text = [r.getMessage() for r in records]
    for expected in (
        "token request started",
        "token fetched",
        "retry 1 of",
        "HTTP 403",
        "invalidated after a 401",
        "is not asked again",
    ):
        assert any(expected in m for m in text), (expected, text)
    assert {r.levelno for r in records} >= {logging.DEBUG, logging.INFO, logging.WARNING}
    key_secret = server.env["SINCH_KEY_SECRET"]
    for m in text:
        for secret in (key_secret, "wrong-SECRET-marker", "PW-url", "Bearer", "http", *tokens):
            assert secret not in m, (m, secret)


def test_a_ca_bundle_that_cannot_be_used_is_a_config_error(
    server: LocalServer, tmp_path: pathlib.Path
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificates\n")
    with pytest.raises(sa.ConfigError, match="holds no PEM certificate"):
        sa.TokenProvider(creds(server), server.token_url, ca_bundle=empty)
    with pytest.raises(sa.ConfigError, match="cannot read the CA bundle"):
        sa.TokenProvider(creds(server), server.token_url, ca_bundle=str(tmp_path / "missing.pem"))


def test_token_async_under_trio_shares_the_fetch_and_keeps_trio_ticking(
    server: LocalServer,
) -> None:
    trio = pytest.importorskip("trio")
    server.faults("slow:1000")
    p = sa.TokenProvider(creds(server), server.token_url)
    gaps: list[float] = []
    tokens: list[sa.AccessToken] = []

    async def main() -> None:
        async def get() -> None:
            tokens.append(await p.token_async())

        async def ticker(cancel: trio.CancelScope) -> None:
            with cancel:
                last = time.perf_counter()
                while True:
                    await trio.sleep(0.01)
                    gaps.append(time.perf_counter() - last)
                    last = time.perf_counter()

        cancel = trio.CancelScope()
        async with trio.open_nursery() as outer:
            outer.start_soon(ticker, cancel)
            async with trio.open_nursery() as nursery:
                for _ in range(16):
                    nursery.start_soon(get)
                # One waiter cancelled: the others still get the shared token.
                with trio.move_on_after(0.1):
                    await p.token_async()
            cancel.cancel()

    trio.run(main)
    assert len(tokens) == 16 and len({t.token for t in tokens}) == 1
    assert server.counters()["token_requests"] == 1
    assert max(gaps) < 0.03, f"trio stalled {max(gaps) * 1000:.0f} ms"


def test_providers_share_one_token_through_redis(server: LocalServer, redis_url: str) -> None:
    providers = [
        sa.TokenProvider(creds(server), server.token_url, shared_cache=redis_url) for _ in range(8)
    ]
    server.faults("slow:300")
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda p=p: results.append(p.token().token)) for p in providers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert server.counters()["token_requests"] == 1
    statuses = [p.shared_cache_status() for p in providers]
    assert all(s is not None and s["state"] == "available" for s in statuses)
    assert sum(s["lock_won"] for s in statuses if s) == 1
    assert sa.TokenProvider(creds(server), server.token_url).shared_cache_status() is None


def test_a_dead_redis_is_a_local_fetch_or_in_strict_mode_an_error(server: LocalServer) -> None:
    dead = "redis://127.0.0.1:1"
    p = sa.TokenProvider(creds(server), server.token_url, shared_cache=dead)
    assert p.token().token
    status = p.shared_cache_status()
    assert status is not None and status["state"] == "unavailable"
    strict = sa.TokenProvider(
        creds(server), server.token_url, shared_cache=dead, shared_cache_strict=True
    )
    with pytest.raises(sa.TransportError, match="shared cache redis://127.0.0.1:1"):
        strict.token()
    with pytest.raises(sa.ConfigError, match="not a usable Redis URL"):
        sa.TokenProvider(creds(server), server.token_url, shared_cache="http://nope")


def test_a_mailgun_delivery_accepted_by_one_process_is_replayed_in_another(
    redis_url: str,
) -> None:
    import subprocess
    import sys

    key, token = "signing-key", "delivery-token-1"
    ts = str(int(time.time()))
    import hashlib
    import hmac

    sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    sa.verify_mailgun_webhook(
        key, ts, token, sig, replay_guard=sa.SharedReplayGuard(redis_url, window=60)
    )
    child = (
        "import sys, sinch_auth as sa\n"
        "try:\n"
        f"    sa.verify_mailgun_webhook({key!r}, {ts!r}, {token!r}, {sig!r},"
        f" replay_guard=sa.SharedReplayGuard({redis_url!r}))\n"
        "except sa.SignatureError as e:\n"
        "    print(e.reason)\n"
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "replayed", out
    with pytest.raises(sa.ConfigError, match="memory"):
        sa.SharedReplayGuard(redis_url, on_failure="sometimes")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_opens_its_own_redis_connection(server: LocalServer, redis_url: str) -> None:
    p = sa.TokenProvider(creds(server), server.token_url, shared_cache=redis_url)
    token = p.token().token  # the parent's connection is open
    pid = os.fork()
    if pid == 0:  # the child: a fresh provider, its own connection, the fleet's token
        code = 1
        try:
            p.clear()
            ok = p.token().token == token
            status = p.shared_cache_status()
            code = 0 if ok and status is not None and status["errors"] == 0 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert p.token().token == token
    assert server.counters()["token_requests"] == 1
