"""TokenProvider against the local server."""

from __future__ import annotations

import os
import threading
import time

import pytest
import requests

import sinch_auth as sa
from conftest import LocalServer


def creds(server: LocalServer, secret: str | None = None) -> sa.ProjectCredentials:
    e = server.env
    return sa.ProjectCredentials(
        e["SINCH_PROJECT_ID"], e["SINCH_KEY_ID"], secret or e["SINCH_KEY_SECRET"]
    )


def provider(server: LocalServer, **kw: object) -> sa.TokenProvider:
    return sa.TokenProvider(creds(server), server.token_url, **kw)  # type: ignore[arg-type]


def test_sixty_four_threads_make_one_token_request(server: LocalServer) -> None:
    p = provider(server)
    barrier = threading.Barrier(64)
    results: list[sa.AccessToken] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        t = p.token()
        with lock:
            results.append(t)

    threads = [threading.Thread(target=worker) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 64 and len({r.token for r in results}) == 1
    assert server.counters()["token_requests"] == 1
    r = requests.get(server.numbers_url, headers={"Authorization": p.authorization()}, timeout=5)
    assert r.status_code == 200


def test_refreshed_before_expiry_no_401(server: LocalServer) -> None:
    server.configure(token_lifetime_ms=1000)
    p = provider(server)
    session = requests.Session()
    end = time.monotonic() + 3.2
    calls = 0
    while time.monotonic() < end:
        r = session.get(server.numbers_url, headers={"Authorization": p.authorization()}, timeout=5)
        assert r.status_code == 200, r.headers
        calls += 1
    c = server.counters()
    assert c["api_expired"] == 0
    assert 3 <= c["tokens_issued"] <= 8, c
    assert calls > 20


def test_access_token_values(server: LocalServer) -> None:
    from datetime import datetime, timezone

    t = provider(server).token()
    assert t.token_type == "bearer"
    assert 3500 < t.expires_in <= 3600
    assert t.expires_at > datetime.now(timezone.utc)
    assert t.authorization == "Bearer " + t.token
    assert t.token not in repr(t) and t.token not in str(t)


@pytest.mark.parametrize(
    ("fault", "error", "status"),
    [
        ("503", sa.ServerError, 503),
        ("429", sa.RateLimitedError, 429),
        ("403", sa.ForbiddenError, 403),
        ("malformed", sa.InvalidResponseError, 200),
        ("html", sa.ServerError, 502),
        ("missing-token", sa.InvalidResponseError, 200),
        ("negative-expiry", sa.InvalidResponseError, 200),
        ("drop", sa.TransportError, None),
    ],
)
def test_error_classes(server: LocalServer, fault: str, error: type, status: int | None) -> None:
    server.faults(fault)
    with pytest.raises(error) as info:
        provider(server, max_retries=0).token()
    assert info.value.status_code == status
    assert isinstance(info.value, sa.SinchAuthError)
    assert info.value.kind == error.default_kind  # type: ignore[attr-defined]


def test_wrong_secret_is_a_credentials_error_without_the_secret(server: LocalServer) -> None:
    p = sa.TokenProvider(creds(server, "wrong-MARKER-secret"), server.token_url)
    with pytest.raises(sa.CredentialsError) as info:
        p.token()
    e = info.value
    assert e.status_code == 401 and not e.retryable
    assert e.oauth_error is not None and e.oauth_error["error"] == "invalid_client"
    assert "MARKER" not in str(e) and "MARKER" not in repr(e)


def test_slow_server_times_out(server: LocalServer) -> None:
    server.faults("slow:3000")
    start = time.monotonic()
    with pytest.raises(sa.TransportError):
        provider(server, timeout=0.3).token()
    assert time.monotonic() - start < 1.5


def test_retry_then_success(server: LocalServer) -> None:
    server.faults("500")
    provider(server).token()
    assert server.counters()["token_requests"] == 2


def test_plain_http_to_remote_refused() -> None:
    with pytest.raises(sa.ConfigError):
        sa.TokenProvider(sa.ProjectCredentials("p", "k", "s"), "http://auth.sinch.com/oauth2/token")


def test_gil_is_released_while_waiting(server: LocalServer) -> None:
    server.faults("slow:1000")
    p = provider(server)
    done = threading.Event()

    def fetch() -> None:
        p.token()
        done.set()

    t = threading.Thread(target=fetch)
    t.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert ticks > 100, ticks


def test_invalidate_is_compare_and_clear(server: LocalServer) -> None:
    p = provider(server)
    t1 = p.token()
    assert p.invalidate(t1)
    t2 = p.token()
    assert t1 != t2
    assert not p.invalidate(t1)
    assert p.token() == t2
    assert p.invalidate(t2.token)
    assert p.stats()["requests"] == 2


def test_from_env_names_missing_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for v in ("SINCH_PROJECT_ID", "SINCH_KEY_ID", "SINCH_KEY_SECRET"):
        monkeypatch.delenv(v, raising=False)
    with pytest.raises(sa.ConfigError) as info:
        sa.ProjectCredentials.from_env()
    assert "SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET" in str(info.value)
    monkeypatch.setenv("SINCH_APP_KEY", "k")
    monkeypatch.setenv("SINCH_APP_SECRET", "YQ==")
    assert sa.ApplicationCredentials.from_env().app_key == "k"


def _fork_and_fetch(p: sa.TokenProvider) -> int:
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            p.token()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    raise AssertionError("the child hung after fork")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_gives_the_child_a_fresh_provider(server: LocalServer) -> None:
    p = provider(server)
    p.token()
    assert _fork_and_fetch(p) == 0
    assert server.counters()["token_requests"] == 2, "the child fetched its own token"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_while_another_thread_is_mid_fetch_does_not_deadlock(server: LocalServer) -> None:
    server.faults("slow:1500")
    p = provider(server)
    t = threading.Thread(target=p.token)
    t.start()
    time.sleep(0.3)  # the other thread is inside the fetch, holding the refresh
    assert _fork_and_fetch(p) == 0
    t.join()


def test_reprs_never_show_secrets(server: LocalServer) -> None:
    marker = "SECRETMARKER123"
    texts = [
        repr(sa.ProjectCredentials("p", "k", marker)),
        repr(sa.ServicePlanCredentials("p", marker, "us")),
        repr(sa.MailgunCredentials(marker, "d")),
        repr(sa.ApplicationCredentials("k", "U0VDUkVUTUFSS0VSMTIz")),
        repr(sa.TokenProvider(sa.ProjectCredentials("p", "k", marker), server.token_url)),
    ]
    for t in texts:
        assert marker not in t and "U0VDUkVU" not in t, t
        assert "redacted" in t or "TokenProvider" in t


def test_a_rust_panic_is_a_sinch_auth_error() -> None:
    with pytest.raises(sa.SinchAuthError) as info:
        sa._native._panic_for_tests()
    assert info.value.kind == "internal"


def test_product_routing() -> None:
    assert sa.auth_model("voice") == "application"
    assert sa.auth_model("EST") == "project"
    info = sa.product_info("sms")
    assert [m["auth_model"] for m in info["models"]] == ["project", "service-plan"]
    assert info["models"][1]["base_urls"]["au"] == "https://au.sms.api.sinch.com"
    assert "SINCH_SMS_API_TOKEN" in info["models"][1]["env_vars"]
    assert sa.base_url("conversation", "eu") == "https://eu.conversation.api.sinch.com"
    with pytest.raises(sa.ConfigError, match="valid regions: us, eu, br"):
        sa.base_url("conversation", "ap")
    with pytest.raises(sa.ConfigError, match="valid products"):
        sa.auth_model("pager")
    d = sa.diagnose("numbers", 403, {"content-type": "application/json"}, b"{}")
    assert d.kind == "forbidden" and "scope" in d.fix
    assert sa.is_expired_token_challenge(401, {"WWW-Authenticate": 'Bearer error="expired"'})
