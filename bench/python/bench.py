"""sinch_auth next to a pure-Python baseline and the official `sinch` package, one process.
Prints JSON lines {name, ns} for bench/report.py."""

from __future__ import annotations

import json
import statistics
import subprocess
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
SIGN_LOOP = Path(__file__).resolve().parents[2] / "target/release/examples/sign_loop"


def call(fn, *args, **kwargs) -> timeit.Timer:
    """A timer for `fn(*args, **kwargs)` written as the statement of timeit's own loop, with
    the function and arguments bound to local variables: no lambda frame and no global
    lookups around the call (~60 ns here, which would count against whatever is timed; the
    Rust core's loop has no such cost). Every Python variant is timed this way."""
    values = {"f": fn, **{f"a{i}": a for i, a in enumerate(args)}}
    values |= {f"k_{k}": v for k, v in kwargs.items()}
    setup = "\n".join(f"{name} = values[{name!r}]" for name in values)
    params = [f"a{i}" for i in range(len(args))] + [f"{k}=k_{k}" for k in kwargs]
    return timeit.Timer(f"f({', '.join(params)})", setup=setup, globals={"values": values})


def per_call_ns(timer: timeit.Timer, repeat: int = 7) -> float:
    n, _ = timer.autorange()
    n = max(n, 1)
    return statistics.median(t / n for t in timer.repeat(repeat, n)) * 1e9


def emit(name: str, ns: float) -> None:
    print(json.dumps({"name": name, "ns": round(ns, 1)}), flush=True)


class RustCore:
    """The core's sign_request in a child process (crates/sinch-auth/examples/sign_loop.rs), so
    the binding overhead is measured against the core in the same interleaved rounds."""

    def __init__(self, size: int) -> None:
        self.proc = subprocess.Popen(
            [str(SIGN_LOOP), str(size)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def timeit(self, n: int) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline()) / 1e9

    def autorange(self) -> tuple[int, float]:
        n = 1
        while (took := self.timeit(n)) < 0.02:
            n *= 2
        return n, took

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def side_by_side(prefix: str, variants: dict, rounds: int = 15) -> None:
    """Times the variants in interleaved rounds (the VM's speed drifts), medians per call.
    With a `rust_core` variant it also emits the median of the per-round ratios
    sinch_auth / rust_core (neighbouring samples share the machine's state)."""
    timers = variants
    n = {k: max(t.autorange()[0], 1) for k, t in timers.items()}
    samples: dict[str, list[float]] = {k: [] for k in variants}
    keys = list(variants)
    for r in range(rounds):
        for k in keys[r % len(keys) :] + keys[: r % len(keys)]:
            samples[k].append(timers[k].timeit(n[k]) / n[k] * 1e9)
    for k in keys:
        emit(f"{prefix}/{k}", statistics.median(samples[k]))
    if "rust_core" in samples:
        ratios = [a / c for a, c in zip(samples["sinch_auth"], samples["rust_core"], strict=True)]
        print(json.dumps({"name": f"{prefix}/overhead", "ratio": statistics.median(ratios)}))


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
        variants: dict = {
            "sinch_auth": call(
                sa.sign_request, app, "POST", "/calling/v1/callouts", b, "application/json", TS
            ),
            # The call as users write it: keywords, a charset in the content type.
            "sinch_auth_keywords": call(
                sa.sign_request,
                app,
                "POST",
                "/calling/v1/callouts",
                body=b,
                content_type="application/json; charset=UTF-8",
                timestamp=TS,
            ),
            "sinch_auth_str_body": call(
                sa.sign_request, app, "post", "/calling/v1/callouts", b.decode(), None, TS
            ),
            "pure_python": call(
                baseline.sign_request,
                KEY,
                SECRET,
                "POST",
                "/calling/v1/callouts",
                b,
                "application/json",
                TS,
            ),
        }
        core = RustCore(n) if SIGN_LOOP.exists() else None
        if core is not None:
            variants["rust_core"] = core
        side_by_side(f"python/sign_request/{label}", variants, rounds=31)
        if core is not None:
            core.close()

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
    text = b.decode()
    conv_variants = {
        "sinch_auth": call(sa.verify_conversation_webhook, "secret", conv, b, now=1705655968),
        "pure_python": call(baseline.verify_conversation, "secret", conv, b),
    }
    if official is not None:
        assert official.validate_sinch_event_signature_with_nonce("secret", conv, text)
        conv_variants["official_sinch"] = call(
            official.validate_sinch_event_signature_with_nonce, "secret", conv, text
        )
    side_by_side("python/verify_conversation/1KiB", conv_variants)

    nums = {"X-Sinch-Signature": hmac.new(b"secret", b, hashlib.sha1).hexdigest()}
    sa.verify_numbers_callback("secret", nums, b)
    num_variants = {
        "sinch_auth": call(sa.verify_numbers_callback, "secret", nums, b),
        "pure_python": call(baseline.verify_numbers, "secret", nums, b),
    }
    if official is not None:
        assert official.validate_signature_header("secret", nums, text)
        num_variants["official_sinch"] = call(
            official.validate_signature_header, "secret", nums, text
        )
    side_by_side("python/verify_numbers/1KiB", num_variants)

    if len(sys.argv) > 2:
        creds = sa.ProjectCredentials(*sys.argv[2:5])
        p = sa.TokenProvider(creds, sys.argv[1])
        p.token()
        emit("python/cached_token/token/sinch_auth", per_call_ns(call(p.token)))
        emit("python/cached_token/authorization/sinch_auth", per_call_ns(call(p.authorization)))


if __name__ == "__main__":
    main()
