"""A real local Sinch-compatible server for the whole session: the package's own testing
helper (`sinch_auth.testing`), which runs `python -m sinch_auth serve` in a child process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sinch_auth.testing import LocalServer

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


@pytest.fixture(autouse=True)
def _fresh_server_state(request: pytest.FixtureRequest) -> Iterator[None]:
    if "server" in request.fixturenames:
        s: LocalServer = request.getfixturevalue("server")
        s.reset()
    yield


def load_vectors(name: str) -> list[dict[str, Any]]:
    with open(VECTORS / name, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    assert cases
    return cases  # type: ignore[no-any-return]


@pytest.fixture()
def redis_url() -> Iterator[str]:
    """A real redis-server on a free loopback port (make test installs the package)."""
    import shutil
    import socket
    import subprocess
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = shutil.which("redis-server")
    assert exe, "redis-server is not installed (make test installs it)"
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(500):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as c:
                    c.sendall(b"PING\r\n")
                    if c.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()
