"""Every Python example in examples/python, run as a user would against the local server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

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


def test_webhook_flask_accepts_signed_and_refuses_forged(server: LocalServer) -> None:
    port = free_port()
    env = {**os.environ, **server.env, "PORT": str(port)}
    app = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "webhook_flask.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sinch/conversation"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert app.poll() is None, "the Flask example exited"
                assert time.monotonic() < deadline, "the Flask example did not listen"
                time.sleep(0.05)
        # A genuine signed delivery, sent by the CLI the package installs.
        sent = subprocess.run(
            [sys.executable, "-m", "sinch_auth", "serve", "--send-webhook", "conversation"]
            + ["--to", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "answered 204" in sent.stdout
        # A forged one: the right headers' names, a signature that is not the secret's.
        forged = urllib.request.Request(
            url,
            data=b'{"message":{}}',
            method="POST",
            headers={
                "x-sinch-webhook-signature-timestamp": str(int(time.time())),
                "x-sinch-webhook-signature-nonce": "n",
                "x-sinch-webhook-signature": "AAAA",
                "content-type": "application/json",
            },
        )
        try:
            urllib.request.urlopen(forged, timeout=10)
            raise AssertionError("a forged webhook was accepted")
        except urllib.error.HTTPError as e:
            assert e.code == 401
            assert json.loads(e.read())["error"] == "bad_signature"
    finally:
        app.terminate()
        app.wait(timeout=10)
