#!/usr/bin/env python3
"""`make bench`: sinch-auth next to what users would otherwise run, in one run, on this
machine. Prints a markdown report (medians and ratios) and writes bench/results.md."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-bench"
VPY = VENV / "bin" / "python"
SIZES = ["empty", "200B", "1KiB", "64KiB"]


def sh(
    cmd: list[Any], cwd: Path = ROOT, env: dict[str, str] | None = None, quiet: bool = True
) -> str:
    out = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )
    return out.stdout


def setup() -> None:
    print("setting up (release builds, bench venv, npm packages)…", file=sys.stderr)
    if not VPY.exists():
        sh([sys.executable, "-m", "venv", VENV])
        sh([VPY, "-m", "pip", "install", "-q", "-U", "pip"])
        sh([VPY, "-m", "pip", "install", "-q", "-r", ROOT / "bench/python/requirements.txt"])
    sh(
        [VENV / "bin/maturin", "develop", "--release", "-q"],
        env={**os.environ, "VIRTUAL_ENV": str(VENV)},
    )
    sh(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"])
    sh(["npm", "run", "--silent", "build"])
    sh(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "bench/node")
    sh(["cargo", "build", "--release", "-q", "-p", "sinch-auth-cli"])
    for example in ("token_load", "sign_loop", "fleet_load"):
        sh(["cargo", "build", "--release", "-q", "-p", "sinch-auth", "--example", example])
    sh(["cargo", "build", "--release", "-q", "-p", "sinch-auth-cli", "--example", "proxy_bench"])


class Server:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [ROOT / "target/release/sinch-auth", "serve", "--exit-on-stdin-close", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None
        self.env: dict[str, str] = {}
        while len(self.env) < 12:
            k, _, v = (
                self.proc.stdout.readline().decode().strip().removeprefix("export ").partition("=")
            )
            self.env[k] = v
        self.url = self.env["SINCH_API_BASE_URL"]
        self.creds = [
            self.env["SINCH_PROJECT_ID"],
            self.env["SINCH_KEY_ID"],
            self.env["SINCH_KEY_SECRET"],
        ]
        self.api = f"{self.url}/v1/projects/{self.env['SINCH_PROJECT_ID']}/activeNumbers"

    def counters(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url + "/_admin/counters", timeout=5) as r:
            return json.loads(r.read())  # type: ignore[no-any-return]

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def json_lines(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            out[d["name"]] = d["ns"] if "ns" in d else d["ratio"]
    return out


def criterion() -> dict[str, float]:
    print("rust: criterion…", file=sys.stderr)
    sh(["cargo", "bench", "-q", "-p", "sinch-auth", "--bench", "auth"])
    out = {}
    base = ROOT / "target/criterion"
    for est in base.glob("*/*/new/estimates.json"):
        group, ident = est.parts[-4], est.parts[-3]
        out[f"rust/{group}/{ident}"] = json.loads(est.read_text())["median"]["point_estimate"]
    return out


def footprint() -> list[tuple[str, float, float, float | None, float | None]]:
    """Start-up time and peak RSS of each command, run in interleaved rounds (this VM's speed
    drifts); "over bare" is the median of per-round differences from the bare interpreter."""
    print("footprint…", file=sys.stderr)
    node_dir = ROOT / "bench/node"
    cases = [
        ("python (bare)", [VPY, "-c", "pass"], ROOT),
        ("python: import sinch_auth", [VPY, "-c", "import sinch_auth"], ROOT),
        ("python: import sinch (official)", [VPY, "-c", "import sinch"], ROOT),
        ("node (bare)", ["node", "-e", "0"], node_dir),
        (
            "node: require('sinch-auth')",
            ["node", "-e", f"require({json.dumps(str(ROOT / 'node/index.js'))})"],
            node_dir,
        ),
        (
            "node: require('@sinch/sdk-core') (official)",
            ["node", "-e", "require('@sinch/sdk-core')"],
            node_dir,
        ),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    rss: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(15):
        for name, cmd, cwd in cases:
            t = time.perf_counter()
            r = subprocess.run(
                ["/usr/bin/time", "-f", "%M", *map(str, cmd)],
                cwd=cwd,
                capture_output=True,
                text=True,
            )
            times[name].append((time.perf_counter() - t) * 1000)
            rss[name].append(int(r.stderr.strip().splitlines()[-1]) / 1024)
    rows = []
    for name, _, _ in cases:
        bare = "python (bare)" if name.startswith("python") else "node (bare)"
        extra_ms = extra_mb = None
        if name != bare:
            extra_ms = statistics.median(
                a - b for a, b in zip(times[name], times[bare], strict=True)
            )
            extra_mb = statistics.median(a - b for a, b in zip(rss[name], rss[bare], strict=True))
        rows.append(
            (name, statistics.median(times[name]), statistics.median(rss[name]), extra_ms, extra_mb)
        )
    return rows


def token_load() -> list[tuple[str, int, int, int, int]]:
    print("token endpoint load…", file=sys.stderr)
    rows = []
    clients = [
        (
            "sinch-auth (Rust)",
            lambda s, n: [
                ROOT / "target/release/examples/token_load",
                s.env["SINCH_AUTH_URL"],
                s.api,
                *s.creds,
                n,
                3,
            ],
            "2",
        ),
        (
            "sinch-auth (Python)",
            lambda s, n: [
                VPY,
                ROOT / "bench/python/load.py",
                "sinch_auth",
                s.env["SINCH_AUTH_URL"],
                s.api,
                *s.creds,
                n,
                3,
            ],
            "2",
        ),
        (
            "sinch-auth (Node)",
            lambda s, n: [
                "node",
                ROOT / "bench/node/load.js",
                "sinch-auth",
                s.env["SINCH_AUTH_URL"],
                s.api,
                *s.creds,
                n,
                3,
            ],
            "2",
        ),
        (
            "official sinch 2.3 (Python)",
            lambda s, n: [
                VPY,
                ROOT / "bench/python/load.py",
                "sinch",
                s.env["SINCH_AUTH_URL"],
                s.api,
                *s.creds,
                n,
                3,
            ],
            "2",
        ),
        # The Node SDK treats a token as stale 60 s before its exp: give it 62 s tokens, so its
        # refresh falls 2 s into the run like everyone else's.
        (
            "@sinch/sdk-client 1.5 (Node)",
            lambda s, n: [
                "node",
                ROOT / "bench/node/load.js",
                "sdk-client",
                s.env["SINCH_AUTH_URL"],
                s.api,
                *s.creds,
                n,
                3,
            ],
            "62",
        ),
    ]
    for name, cmd, lifetime in clients:
        for n in (1, 8, 64, 256):
            s = Server("--token-lifetime", lifetime)
            try:
                p = subprocess.Popen(
                    [str(c) for c in cmd(s, n)],
                    cwd=ROOT / "bench/node",
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                assert p.stdout is not None
                p.stdout.readline()  # "ready": set up, callers start now
                time.sleep(1.0)  # before the first expiry (2 s tokens)
                cold = s.counters()["token_requests"]
                out, _ = p.communicate(timeout=120)
                c = s.counters()
                rows.append((name, n, cold, c["token_requests"], c["api_expired"]))
            finally:
                s.stop()
    return rows


def fleet_load() -> list[tuple[int, str, int, float, int]]:
    """Cold workers (one provider each) against the gateway bucket, sharing Redis or not."""
    print("fleet: shared cache…", file=sys.stderr)
    import shutil
    import socket

    exe = shutil.which("redis-server")
    if exe is None:
        print("  redis-server not installed: skipped", file=sys.stderr)
        return []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    rows = []
    try:
        for n in (1, 16, 64, 256):
            for shared in (False, True):
                s = Server("--rate-limit")
                try:
                    args = [s.env["SINCH_AUTH_URL"], *s.creds, str(n)]
                    if shared:
                        with socket.create_connection(("127.0.0.1", port)) as c:
                            c.sendall(b"FLUSHALL\r\n")
                            c.recv(16)
                        args.append(f"redis://127.0.0.1:{port}")
                    out = subprocess.run(
                        [ROOT / "target/release/examples/fleet_load", *args],
                        capture_output=True,
                        text=True,
                        timeout=300,
                    ).stdout.split()
                    rows.append(
                        (
                            n,
                            "shared (Redis)" if shared else "not shared",
                            s.counters()["token_requests"],
                            float(out[0]),
                            int(out[1]),
                        )
                    )
                finally:
                    s.stop()
    finally:
        redis.terminate()
        redis.wait()
    return rows


def proxy_bench() -> dict[str, dict[str, float]]:
    """`sinch-auth proxy`: added latency, throughput next to direct, peak RSS growth,
    start-up time."""
    print("proxy…", file=sys.stderr)
    out = sh([ROOT / "target/release/examples/proxy_bench", ROOT / "target/release/sinch-auth"])
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {r.pop("name"): r for r in rows}


def ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:.2f}×" if a and b else "—"


def us(ns: float | None) -> str:
    if ns is None:
        return "—"
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def main() -> None:
    setup()
    r: dict[str, float] = {}
    r.update(criterion())
    server = Server()
    try:
        print("python…", file=sys.stderr)
        r.update(
            json_lines(
                sh(
                    [
                        VPY,
                        ROOT / "bench/python/bench.py",
                        server.env["SINCH_AUTH_URL"],
                        *server.creds,
                    ]
                )
            )
        )
        print("node…", file=sys.stderr)
        r.update(
            json_lines(
                sh(
                    [
                        "node",
                        ROOT / "bench/node/bench.js",
                        server.env["SINCH_AUTH_URL"],
                        *server.creds,
                    ]
                )
            )
        )
    finally:
        server.stop()
    fp = footprint()
    load = token_load()
    fleet = fleet_load()
    proxy = proxy_bench()

    g = r.get
    lines = [
        "# sinch-auth benchmarks",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"Python {platform.python_version()}, {sh(['node', '--version']).strip()}. Medians.",
        "",
    ]
    lines += [
        "## Rust core, next to its floor (MD5 + SHA-256 of the same bytes)",
        "",
        "| operation | sinch-auth | floor | sinch-auth / floor |",
        "|---|---|---|---|",
    ]
    for fn in ("sign_request", "sign_authorization_into"):
        for s in SIZES:
            a, f = g(f"rust/{fn}/{s}"), g(f"rust/floor_md5_sha256/{s}")
            lines.append(
                f"| {fn} {s} | {us(a)} | {us(f)} | {a / f:.2f} |"
                if a and f
                else f"| {fn} {s} | — | — | — |"
            )
    for v in ("application", "conversation", "numbers", "mailgun"):
        lines.append(
            f"| verify {v} 1KiB | {us(g(f'rust/verify_1KiB/{v}'))} | {us(g('rust/floor_md5_sha256/1KiB'))} | |"
        )
    for t in ("token_1_thread", "authorization_1_thread", "token_8_threads"):
        lines.append(f"| cached {t.replace('_', ' ')} | {us(g(f'rust/cached_token/{t}'))} | | |")
    lines += [
        "",
        "## Python",
        "",
        "| operation | sinch_auth | pure Python (SDK style) | official `sinch` | speed-up vs pure | vs official |",
        "|---|---|---|---|---|---|",
    ]
    py_ops = [(f"sign_request {s}", f"python/sign_request/{s}") for s in SIZES] + [
        ("verify_conversation 1KiB", "python/verify_conversation/1KiB"),
        ("verify_numbers 1KiB", "python/verify_numbers/1KiB"),
    ]
    for label, key in py_ops:
        a, p, o = g(f"{key}/sinch_auth"), g(f"{key}/pure_python"), g(f"{key}/official_sinch")
        lines.append(f"| {label} | {us(a)} | {us(p)} | {us(o)} | {ratio(a, p)} | {ratio(a, o)} |")
        for shape, text in (("keywords", "keywords, charset"), ("str_body", "str body, 'post'")):
            k = g(f"{key}/sinch_auth_{shape}")
            if k is not None:
                lines.append(f"| {label} ({text}) | {us(k)} | {us(p)} | | {ratio(k, p)} | |")
    lines.append(f"| cached token() | {us(g('python/cached_token/token/sinch_auth'))} | | | | |")
    lines.append(
        f"| cached authorization() | {us(g('python/cached_token/authorization/sinch_auth'))} | | | | |"
    )
    lines += [
        "",
        "## Node",
        "",
        "| operation | sinch-auth | node:crypto (SDK style) | `@sinch/sdk-client` helper | speed-up vs crypto | vs sdk-client |",
        "|---|---|---|---|---|---|",
    ]
    node_ops = [(f"signRequest {s}", f"node/sign_request/{s}") for s in SIZES] + [
        ("verifyConversationWebhook 1KiB", "node/verify_conversation/1KiB"),
        ("verifyNumbersCallback 1KiB", "node/verify_numbers/1KiB"),
    ]
    for label, key in node_ops:
        a, c, o = g(f"{key}/sinch_auth"), g(f"{key}/node_crypto"), g(f"{key}/sdk_client")
        lines.append(f"| {label} | {us(a)} | {us(c)} | {us(o)} | {ratio(a, c)} | {ratio(a, o)} |")
        for shape, text in (("charset", "'post', charset"), ("string_body", "string body")):
            k = g(f"{key}/sinch_auth_{shape}")
            if k is not None:
                lines.append(
                    f"| {label} ({text}) | {us(k)} | {us(c)} | {us(o)} | {ratio(k, c)} | {ratio(k, o)} |"
                )
    for t in ("tokenSync", "authorizationSync", "token_await"):
        lines.append(f"| cached {t} | {us(g(f'node/cached_token/{t}/sinch_auth'))} | | | | |")
    lines += [
        "",
        "## Binding overhead (sign_request)",
        "",
        "Each binding's bench also times the Rust core (`sign_loop`, a child process running "
        "`sign_authorization_into`, the core function both bindings' `sign_request` end in, on "
        "the same inputs) in the same interleaved rounds; the overhead is the median of the "
        "per-round ratios binding / core.",
        "",
        "| body | Rust core (criterion) | Python | Rust core (Python's rounds) | Python over core | Node | Rust core (Node's rounds) | Node over core |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in SIZES:
        row = [s, us(g(f"rust/sign_authorization_into/{s}"))]
        for lang in ("python", "node"):
            k = f"{lang}/sign_request/{s}"
            o = g(f"{k}/overhead")
            row += [
                us(g(f"{k}/sinch_auth")),
                us(g(f"{k}/rust_core")),
                f"{(o - 1) * 100:+.0f}%" if o else "—",
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "## Footprint (start-up wall time and peak RSS, median of 15 interleaved rounds)",
        "",
        "| command | time | peak RSS | over bare |",
        "|---|---|---|---|",
    ]
    for name, ms, mb, extra_ms, extra_mb in fp:
        extra = "" if extra_ms is None else f"{extra_ms:+.1f} ms, {extra_mb:+.1f} MB"
        lines.append(f"| `{name}` | {ms:.1f} ms | {mb:.1f} MB | {extra} |")
    lines += [
        "",
        "## Token endpoint load",
        "",
        "N concurrent callers, each making an API call every 20 ms for 3 s with 2 s tokens. "
        "Ideal: 1 token request at cold start, then one per refresh, and 0 expired-token 401s. "
        "sinch-auth refreshes a quarter of the lifetime (less jitter) early, so a 3 s run sees two "
        "refreshes (3 requests in all); a client that refreshes only at expiry sees one (2 in all).",
        "",
        "| client | N | token requests at cold start | token requests in all | expired-token 401s |",
        "|---|---|---|---|---|",
    ]
    for name, n, cold, total, expired in load:
        lines.append(f"| {name} | {n} | {cold} | {total} | {expired} |")
    lines += [
        "",
        "## Fleet: cold workers sharing one token through Redis",
        "",
        "N workers, each with its own provider (as N processes would have), ask for a token at "
        "the same moment; the local server emulates the auth gateway's bucket (30 burst, 10/s, "
        "429 without Retry-After). Shared: `shared_cache(redis://…)` (Redis 7 on loopback). "
        "An in-process hit sends no command to Redis (tested with `INFO commandstats` in "
        "`shared_cache.rs`), so a cached call costs what it costs without a shared cache.",
        "",
        "| N | workers | token requests | seconds until all were done | ended without a token |",
        "|---|---|---|---|---|",
    ]
    for n, how, requests, secs, failed in fleet:
        lines.append(f"| {n} | {how} | {requests} | {secs:.2f} | {failed} |")
    lines += [
        "",
        "## Proxy (`sinch-auth proxy`, a bearer route, warm token, keep-alive both sides)",
        "",
        "Added latency: 15 interleaved rounds of 400 small requests direct and through the "
        "proxy; each round's percentile difference, median over rounds. Throughput: 512 MiB "
        "down and up, direct, through a bare relay (a process that only copies bytes between "
        "two sockets, 256 KiB at a time, no HTTP) and through the proxy, interleaved, median "
        "of 3 each; client, relay or proxy, and upstream on the same machine. CPU: seconds the "
        "relay or proxy process used per transfer. Ceiling: 512 MiB × cores / (CPU seconds of "
        "the client and upstream + of the proxy), the fastest the cores allow a proxy that "
        "spends what this one spends. Start-up: 15 proxies started one after another, each "
        "timed from spawn to its first `/.sinch-auth/health` answer.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
    ]
    for q, target in (("p50", "≤ 1 ms"), ("p99", "≤ 5 ms")):
        v = proxy.get(f"proxy/added_latency/{q}", {}).get("ms")
        lines.append(
            f"| added latency {q} | {v:.3f} ms | {target} |"
            if v is not None
            else f"| added latency {q} | — | {target} |"
        )
    for way in ("down", "up"):
        t = proxy.get(f"proxy/throughput/{way}", {})
        d, r, p = t.get("direct_mib_s"), t.get("relay_mib_s"), t.get("proxied_mib_s")
        if d and p and r:
            lines.append(
                f"| 512 MiB {way} | {p:.0f} MiB/s proxied = {p / d:.0%} of direct "
                f"({d:.0f} MiB/s); bare relay {r:.0f} MiB/s = {r / d:.0%}; "
                f"CPU {t.get('proxy_cpu_s', 0):.2f} s proxy, {t.get('relay_cpu_s', 0):.2f} s relay, "
                f"{t.get('ends_cpu_s', 0):.2f} s client + upstream; ceiling on "
                f"{t.get('cores', 0):.0f} cores {t.get('ceiling_mib_s', 0):.0f} MiB/s = "
                f"{t.get('ceiling_mib_s', 0) / d:.0%} of direct "
                "| ≥ 80% of direct |"
            )
    start = proxy.get("proxy/start_up", {})
    if start:
        lines.append(
            f"| start-up: spawn to the first health answer | {start['median_ms']:.1f} ms median, "
            f"{start['max_ms']:.1f} ms slowest of {start['starts']:.0f} starts; "
            f"{start['token_requests']:.0f} token requests | ≤ 50 ms, no token fetch |"
        )
    rss = proxy.get("proxy/rss_growth", {}).get("mib")
    if rss is not None:
        lines.append(f"| proxy peak RSS growth over both transfers | {rss:.1f} MiB | ≤ 32 MiB |")
    report = "\n".join(lines) + "\n"
    (ROOT / "bench/results.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
