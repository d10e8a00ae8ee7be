"""Every case in tests/vectors/, through the Python API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import sinch_auth as sa
from conftest import VECTORS, load_vectors


def body(c: dict[str, Any]) -> bytes:
    if "body_file" in c:
        return (VECTORS / c["body_file"]).read_bytes()
    return c["body"].encode()


def opts(c: dict[str, Any]) -> dict[str, Any]:
    tol = c.get("tolerance", "default")
    out: dict[str, Any] = {"now": c.get("now")}
    if tol != "default":
        out["tolerance"] = tol
    return out


def check(c: dict[str, Any], run: Callable[[], None]) -> None:
    expect = c["expect"]
    if expect["valid"]:
        run()
        return
    with pytest.raises(sa.SinchAuthError) as info:
        run()
    assert info.value.kind == expect["kind"], c["id"]
    if "reason" in expect:
        assert info.value.reason == expect["reason"], c["id"]
    if expect["kind"] == "signature":
        assert isinstance(info.value, sa.SignatureError)


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


SIGNING = load_vectors("application_signing.json")


@pytest.mark.parametrize("c", SIGNING, ids=ids(SIGNING))
def test_application_signing(c: dict[str, Any]) -> None:
    app = sa.ApplicationCredentials(c["app_key"], c["app_secret"])
    got = sa.sign_request_details(
        app, c["method"], c["path"], body(c), c["content_type"], c["timestamp"]
    )
    e = c["expected"]
    assert got["content_md5"] == e["content_md5"]
    assert got["string_to_sign"] == e["string_to_sign"]
    assert got["authorization"] == e["authorization"]
    assert got["authorization"].endswith(":" + e["signature"])
    want = {"Authorization": e["authorization"], "x-timestamp": e["x_timestamp"]}
    # Positional and keyword calls, bytes and str bodies: one function, the same answer.
    fast = sa.sign_request(app, c["method"], c["path"], body(c), c["content_type"], c["timestamp"])
    general = sa.sign_request(
        app,
        method=c["method"],
        path=c["path"],
        body=c["body"],
        content_type=c["content_type"],
        timestamp=c["timestamp"],
    )
    assert fast == want
    assert general == want


def test_sign_request_argument_forms() -> None:
    app = sa.ApplicationCredentials("k", "bXkta2V5LXNlY3JldA==")
    ts = "2024-01-19T09:19:28.937Z"
    details = sa.sign_request_details(app, "POST", "/ü/" + "a" * 3000, b"x", "text/plain", ts)
    headers = sa.sign_request(app, "POST", "/ü/" + "a" * 3000, b"x", "text/plain", ts)
    assert headers["Authorization"] == details["authorization"]
    assert headers["x-timestamp"] is ts  # handed back, not copied
    same = [
        sa.sign_request(app, "POST", "/p", b"{}", timestamp=ts),
        sa.sign_request(app, "POST", "/p", "{}", "application/json", ts),
        sa.sign_request(app, "POST", "/p", bytearray(b"{}"), timestamp=ts),
        sa.sign_request(app, "POST", "/p", memoryview(b"x{}x")[1:3], timestamp=ts),
    ]
    assert all(h == same[0] for h in same)
    generated = sa.sign_request(app, "GET", "/p")
    assert generated["x-timestamp"].endswith("Z")
    for bad in [
        lambda: sa.sign_request(app, 1, "/p"),  # type: ignore[arg-type]
        lambda: sa.sign_request(app, "POST", b"/p"),  # type: ignore[arg-type]
        lambda: sa.sign_request(app, "POST", "/p", timestamp=5),  # type: ignore[arg-type]
        lambda: sa.sign_request(app, "POST", "/p", content_type=object()),  # type: ignore[arg-type]
        lambda: sa.sign_request(app, "POST", "/p", {"a": 1}),  # type: ignore[arg-type]
    ]:
        with pytest.raises(sa.ConfigError) as raised:
            bad()
        assert isinstance(raised.value, ValueError)
        assert "must be" in str(raised.value)
    with pytest.raises(sa.ConfigError, match="lone surrogate"):
        sa.sign_request(app, "POST", "/\udc80")
    with pytest.raises(sa.ConfigError):
        sa.sign_request(app, "POST", "/p", timestamp="t\r\nx: y")


class Text(str):
    pass


class Raw(bytes):
    pass


def test_sign_request_call_shapes_agree() -> None:
    """Positional and keyword calls, every body type and size (the GIL is released above 16
    KiB), str subclasses: the same answers, and the same error classes."""
    app = sa.ApplicationCredentials("k", "bXkta2V5LXNlY3JldA==")
    ts = "2024-01-19T09:19:28.937Z"
    for body_ in [b"", b"{}", b"x" * 16384, b"x" * 16385, "é".encode() * 700]:
        for ct in [None, "application/json", "text/plain; charset=utf-8", ""]:
            fast = sa.sign_request(app, "PUT", "/v1/ü?q=1", body_, ct, ts)
            general = sa.sign_request(
                app, "PUT", "/v1/ü?q=1", body=bytearray(body_), content_type=ct, timestamp=ts
            )
            details = sa.sign_request_details(
                app, "PUT", "/v1/ü?q=1", body_, "application/json" if ct is None else ct, ts
            )
            assert fast == general == {"Authorization": details["authorization"], "x-timestamp": ts}
    want = sa.sign_request(app, "POST", "/p", b"{}", "application/json", ts)
    assert (
        sa.sign_request(
            app, Text("POST"), Text("/p"), Raw(b"{}"), Text("application/json"), Text(ts)
        )
        == want
    )
    assert sa.sign_request(app, "POST", "/p", None, None, ts) != want  # no body: another MD5
    assert (
        sa.sign_request(app, "POST", "/p", b"{}", "application/json", ts, include_query=False)
        == want
    )
    service = sa.sign_request(app, "POST", "/p", b"{}", "application/json", ts, scheme="service")
    assert service["Authorization"].startswith("service k:")
    # A call Python itself cannot make (wrong arity, not credentials) is a TypeError.
    for call in [
        lambda: sa.sign_request(object(), "POST", "/p"),  # type: ignore[arg-type]
        lambda: sa.sign_request(app, "POST", "/p", b"", None, None, None),  # type: ignore[call-arg]
        lambda: sa.sign_request(app, "POST"),  # type: ignore[call-arg]
    ]:
        with pytest.raises(TypeError):
            call()
    with pytest.raises(sa.ConfigError):
        sa.sign_request(app, "POST", "/p", 1)  # type: ignore[arg-type]
    for fast_or_general in [
        lambda: sa.sign_request(app, "PO ST", "/p", b"", None, ts),
        lambda: sa.sign_request(app, method="PO ST", path="/p", timestamp=ts),
    ]:
        with pytest.raises(sa.ConfigError) as raised:
            fast_or_general()
        assert raised.value.kind == "config"
    with pytest.raises(sa.ConfigError):
        sa.sign_request(app, "POST", "/p", b"", None, "\udc80")


PRIMITIVES = load_vectors("signing_primitives.json")


@pytest.mark.parametrize("c", PRIMITIVES, ids=ids(PRIMITIVES))
def test_signing_primitives(c: dict[str, Any]) -> None:
    e = c["expected"]
    if c["kind"] == "content_md5":
        app = sa.ApplicationCredentials("k", "YQ==")
        got = sa.sign_request_details(app, "POST", "/", body(c), "", "t")
        assert got["content_md5"] == e["content_md5"]
    elif c["kind"] == "secret_decode":
        if "error" in e:
            with pytest.raises(sa.ConfigError):
                sa.ApplicationCredentials("k", c["app_secret"])
        else:
            sa.ApplicationCredentials("k", c["app_secret"])
    elif c["kind"] == "hmac_sha256_base64":
        pytest.skip("the bare HMAC primitive is not public in Python; the Rust suite checks it")


CALLBACKS = load_vectors("application_callbacks.json")


@pytest.mark.parametrize("c", CALLBACKS, ids=ids(CALLBACKS))
def test_application_callbacks(c: dict[str, Any]) -> None:
    app = sa.ApplicationCredentials(c["app_key"], c["app_secret"])
    check(
        c,
        lambda: sa.verify_application_callback(
            app, c["method"], c["path"], c["headers"], body(c), **opts(c)
        ),
    )


CONVERSATION = load_vectors("conversation_webhooks.json")


@pytest.mark.parametrize("c", CONVERSATION, ids=ids(CONVERSATION))
def test_conversation_webhooks(c: dict[str, Any]) -> None:
    check(c, lambda: sa.verify_conversation_webhook(c["secret"], c["headers"], body(c), **opts(c)))


NUMBERS = load_vectors("numbers_callbacks.json")


@pytest.mark.parametrize("c", NUMBERS, ids=ids(NUMBERS))
def test_numbers_callbacks(c: dict[str, Any]) -> None:
    check(c, lambda: sa.verify_numbers_callback(c["secret"], c["headers"], body(c)))


MAILGUN = load_vectors("mailgun_webhooks.json")


@pytest.mark.parametrize("c", MAILGUN, ids=ids(MAILGUN))
def test_mailgun_webhooks(c: dict[str, Any]) -> None:
    check(
        c,
        lambda: sa.verify_mailgun_webhook(
            c["signing_key"], c["timestamp"], c["token"], c["signature"], **opts(c)
        ),
    )


def test_mailgun_replay_guard() -> None:
    c = MAILGUN[0]
    guard = sa.MemoryReplayGuard()
    args = (c["signing_key"], c["timestamp"], c["token"], c["signature"])
    sa.verify_mailgun_webhook(*args, now=c["now"], replay_guard=guard)
    with pytest.raises(sa.SignatureError) as info:
        sa.verify_mailgun_webhook(*args, now=c["now"], replay_guard=guard)
    assert info.value.reason == "replayed"


BASIC = load_vectors("basic_auth.json")


@pytest.mark.parametrize("c", BASIC, ids=ids(BASIC))
def test_basic_auth(c: dict[str, Any]) -> None:
    assert sa.basic_authorization(c["user"], c["password"]) == c["expected"]


def test_headers_in_every_shape_and_now_as_datetime() -> None:
    from datetime import datetime, timedelta, timezone

    c = next(x for x in CONVERSATION if x["id"] == "C1")
    pairs = [(n, v) for n, v in c["headers"]]
    as_dict = dict(pairs)
    as_bytes = [(n.encode(), v.encode()) for n, v in pairs]
    as_lists = {n: [v] for n, v in pairs}
    when = datetime.fromtimestamp(c["now"], tz=timezone.utc)
    for h in (pairs, as_dict, as_bytes, as_lists):
        sa.verify_conversation_webhook(c["secret"], h, c["body"], now=when)
        sa.verify_conversation_webhook(c["secret"], h, bytearray(c["body"].encode()), now=c["now"])
    sa.verify_conversation_webhook(
        c["secret"], as_dict, c["body"], now=when + timedelta(hours=1), tolerance=timedelta(hours=2)
    )
    with pytest.raises(sa.SignatureError) as info:
        sa.verify_conversation_webhook(
            c["secret"], as_dict, c["body"], now=when + timedelta(hours=1)
        )
    assert info.value.reason == "stale_timestamp"
    sa.verify_conversation_webhook(c["secret"], as_dict, c["body"], tolerance=None)
    with pytest.raises(sa.ConfigError):
        sa.verify_conversation_webhook(c["secret"], as_dict, 12345)  # type: ignore[arg-type]
    with pytest.raises(sa.ConfigError, match="finite"):
        sa.verify_conversation_webhook(c["secret"], as_dict, c["body"], tolerance=float("nan"))
    with pytest.raises(sa.ConfigError, match="milliseconds"):
        sa.verify_conversation_webhook(c["secret"], as_dict, c["body"], now=when.timestamp() * 1000)


def test_unencodable_text_is_a_config_error_not_a_lossy_read() -> None:
    """str headers and bodies are read as UTF-8 in place; a lone surrogate cannot be, and is
    refused (a ConfigError) rather than replaced (a replaced byte could change what is verified)."""
    bad = "\udc80"
    with pytest.raises(sa.ConfigError):
        sa.verify_numbers_callback("secret", {"X-Sinch-Signature": bad}, b"{}")
    with pytest.raises(sa.ConfigError):
        sa.verify_numbers_callback("secret", {bad: "abc"}, b"{}")
    with pytest.raises(sa.ConfigError):
        sa.verify_numbers_callback("secret", [("X-Sinch-Signature", "abc")], bad)
    app = sa.ApplicationCredentials("k", "bXkta2V5LXNlY3JldA==")
    with pytest.raises(sa.ConfigError):
        sa.sign_request(app, "POST", "/p", bad)
