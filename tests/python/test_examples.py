"""Every Python example in examples/python, run as a user would against the local server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO
from sinch_auth.testing import LocalServer

EXAMPLES = REPO / "examples" / "python"


def run(script: str, server: LocalServer) -> str:
    env = {**os.environ, **server.env}
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_numbers_requests(server: LocalServer) -> None:
    assert "3 calls answered 200, 1 token fetched" in run("numbers_requests.py", server)
    assert server.counters()["token_requests"] == 1


def test_voice_httpx(server: LocalServer) -> None:
    assert "callout answered 200" in run("voice_httpx.py", server)
    assert server.counters()["signed_ok"] == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("example", ["webhook_flask.py", "webhook_fastapi.py", "webhook_django.py"])
def test_webhook_receivers_pass_the_local_servers_self_test(
    server: LocalServer, example: str
) -> None:
    port = free_port()
    env = {**os.environ, **server.env, "PORT": str(port)}
    app = subprocess.Popen(
        [sys.executable, str(EXAMPLES / example)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert app.poll() is None, f"{example} exited"
                assert time.monotonic() < deadline, f"{example} did not listen"
                time.sleep(0.05)
        # The CLI the package installs sends genuine, replayed, tampered, wrongly signed,
        # stale, future, unsigned and previous-secret deliveries, and judges each answer.
        for kind, path in [
            ("conversation", "/sinch/conversation"),
            ("voice", "/sinch/voice"),
            ("mailgun", "/mailgun"),
        ]:
            sent = subprocess.run(
                [sys.executable, "-m", "sinch_auth", "serve", "--send-webhook", kind]
                + ["--to", f"http://127.0.0.1:{port}{path}", "--sequence", "--rotation"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert sent.returncode == 0, f"{example} {kind}:\n{sent.stdout}{sent.stderr}"
            assert "✗" not in sent.stdout
            assert "previous secret (rotation)" in sent.stdout
    finally:
        app.terminate()
        app.wait(timeout=10)
