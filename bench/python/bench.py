"""sinch_auth next to a pure-Python baseline and the official `sinch` package, one process.
Prints JSON lines {name, ns} for bench/report.py."""

from __future__ import annotations

import json
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import baseline  # noqa: E402

import sinch_auth as sa  # noqa: E402

try:
    from sinch.domains.authentication.sinch_events.v1 import authentication_validation as official
except ImportError:  # the official package is installed only for the bench
    official = None

KEY, SECRET = "669E367E-6BBA-48AB-AF15-266871C28135", "BeIukql3pTKJ8RGL5zo0DA=="
TS = "2024-01-19T09:19:28.9372196Z"


def per_call_ns(fn, repeat: int = 7) -> float:
    timer = timeit.Timer(fn)
    n, _ = timer.autorange()
    n = max(n, 1)
    return statistics.median(t / n for t in timer.repeat(repeat, n)) * 1e9


def emit(name: str, ns: float) -> None:
    print(json.dumps({"name": name, "ns": round(ns, 1)}), flush=True)


def body(n: int) -> bytes:
    return bytes(b'{"a":1234567890}'[i % 16] for i in range(n))


def main() -> None:
    app = sa.ApplicationCredentials(KEY, SECRET)
    for label, n in [("empty", 0), ("200B", 200), ("1KiB", 1024), ("64KiB", 65536)]:
        b = body(n)
        ours = sa.sign_request(app, "POST", "/calling/v1/callouts", b, "application/json", TS)
        theirs = baseline.sign_request(
            KEY, SECRET, "POST", "/calling/v1/callouts", b, "application/json", TS
        )
        assert ours == theirs, (ours, theirs)
        emit(
            f"python/sign_request/{label}/sinch_auth",
            per_call_ns(
                lambda b=b: sa.sign_request(
                    app, "POST", "/calling/v1/callouts", b, "application/json", TS
                )
            ),
        )
        emit(
            f"python/sign_request/{label}/pure_python",
            per_call_ns(
                lambda b=b: baseline.sign_request(
                    KEY, SECRET, "POST", "/calling/v1/callouts", b, "application/json", TS
                )
            ),
        )

    b = body(1024)
    nonce, ts = "01FJA8B4A7BM43YGWSG9GBV067", "1705655968"
    import base64
    import hashlib
    import hmac

    sig = base64.b64encode(
        hmac.new(b"secret", b + b"." + nonce.encode() + b"." + ts.encode(), hashlib.sha256).digest()
    ).decode()
    conv = {
        "x-sinch-webhook-signature": sig,
        "x-sinch-webhook-signature-nonce": nonce,
        "x-sinch-webhook-signature-timestamp": ts,
    }
    sa.verify_conversation_webhook("secret", conv, b, now=int(ts))
    assert baseline.verify_conversation("secret", conv, b)
    emit(
        "python/verify_conversation/1KiB/sinch_auth",
        per_call_ns(lambda: sa.verify_conversation_webhook("secret", conv, b, now=1705655968)),
    )
    emit(
        "python/verify_conversation/1KiB/pure_python",
        per_call_ns(lambda: baseline.verify_conversation("secret", conv, b)),
    )
    text = b.decode()
    if official is not None:
        assert official.validate_sinch_event_signature_with_nonce("secret", conv, text)
        emit(
            "python/verify_conversation/1KiB/official_sinch",
            per_call_ns(
                lambda: official.validate_sinch_event_signature_with_nonce("secret", conv, text)
            ),
        )

    nums = {"X-Sinch-Signature": hmac.new(b"secret", b, hashlib.sha1).hexdigest()}
    sa.verify_numbers_callback("secret", nums, b)
    emit(
        "python/verify_numbers/1KiB/sinch_auth",
        per_call_ns(lambda: sa.verify_numbers_callback("secret", nums, b)),
    )
    emit(
        "python/verify_numbers/1KiB/pure_python",
        per_call_ns(lambda: baseline.verify_numbers("secret", nums, b)),
    )
    if official is not None:
        assert official.validate_signature_header("secret", nums, text)
        emit(
            "python/verify_numbers/1KiB/official_sinch",
            per_call_ns(lambda: official.validate_signature_header("secret", nums, text)),
        )

    if len(sys.argv) > 2:
        creds = sa.ProjectCredentials(*sys.argv[2:5])
        p = sa.TokenProvider(creds, sys.argv[1])
        p.token()
        emit("python/cached_token/token/sinch_auth", per_call_ns(p.token))
        emit("python/cached_token/authorization/sinch_auth", per_call_ns(p.authorization))


if __name__ == "__main__":
    main()
