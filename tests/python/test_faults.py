"""The fault matrix's main cases from Python: error class, time bound, no crash."""

from __future__ import annotations

import threading
import time

import pytest

import sinch_auth as sa
from conftest import LocalServer


def provider(server: LocalServer, **kw: object) -> sa.TokenProvider:
    e = server.env
    creds = sa.ProjectCredentials(e["SINCH_PROJECT_ID"], e["SINCH_KEY_ID"], e["SINCH_KEY_SECRET"])
    return sa.TokenProvider(creds, server.token_url, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("faults", "error", "bound"),
    [
        (["500", "502", "503"], sa.ServerError, 5.0),
        (["429", "429", "429"], sa.RateLimitedError, 5.0),
        (["429:retry-after=3600"], sa.RateLimitedError, 0.5),
        (["reset"], sa.TransportError, 1.0),
        (["drop"], sa.TransportError, 1.0),
        (["slow:3000"], sa.TransportError, 1.5),
        (["slow-body:3000"], sa.TransportError, 1.5),
        (["malformed"], sa.InvalidResponseError, 0.5),
        (["empty"], sa.InvalidResponseError, 0.5),
        (["oversized"], sa.InvalidResponseError, 1.0),
        (["expires-in:0"], sa.InvalidResponseError, 0.5),
        (['expires-in:"soon"'], sa.InvalidResponseError, 0.5),
        (["token-type:mac"], sa.InvalidResponseError, 0.5),
    ],
)
def test_fault(server: LocalServer, faults: list[str], error: type, bound: float) -> None:
    server.faults(*faults)
    p = provider(server, max_retries=2, timeout=0.4)
    start = time.monotonic()
    with pytest.raises(error):
        p.token()
    assert time.monotonic() - start < bound


def test_huge_expires_in_is_clamped(server: LocalServer) -> None:
    server.faults("expires-in:1e300")
    t = provider(server).token()
    assert t.expires_in <= 24 * 3600


def test_two_hundred_cold_providers_against_the_gateway_bucket(server: LocalServer) -> None:
    server.configure(rate_limit=True)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            provider(server).token()
        except BaseException as e:
            errors.append(e)

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert time.monotonic() - start < 30
    c = server.counters()
    assert c["tokens_issued"] == 200 and c["token_rate_limited"] > 0
