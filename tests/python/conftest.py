"""A real local Sinch-compatible server (the `sinch-auth serve` binary) for the whole session."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


def server_binary() -> Path:
    explicit = os.environ.get("SINCH_AUTH_BIN")
    if explicit:
        return Path(explicit)
    # Cheap when up to date; keeps the server in step with the sources.
    subprocess.run(["cargo", "build", "-q", "-p", "sinch-auth-cli"], cwd=REPO, check=True)
    return REPO / "target" / "debug" / "sinch-auth"


class LocalServer:
    """`sinch-auth serve` in a child process, driven through its /_admin endpoints."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [str(server_binary()), "serve", "--exit-on-stdin-close", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.proc.stdout is not None
        self.env: dict[str, str] = {}
        while len(self.env) < 12:
            line = self.proc.stdout.readline().decode()
            if not line:
                raise RuntimeError("the local server did not start")
            key, _, value = line.strip().removeprefix("export ").partition("=")
            self.env[key] = value
        self.url = self.env["SINCH_API_BASE_URL"]
        self.token_url = self.env["SINCH_AUTH_URL"]

    def _admin(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def counters(self) -> dict[str, int]:
        return self._admin("/_admin/counters")  # type: ignore[no-any-return]

    def faults(self, *faults: str) -> None:
        self._admin("/_admin/faults", {"faults": list(faults)})

    def configure(self, **config: Any) -> None:
        self._admin("/_admin/config", config)

    def expire_tokens(self) -> None:
        self._admin("/_admin/expire-tokens", {})

    def reset(self) -> None:
        self._admin("/_admin/reset", {})

    @property
    def numbers_url(self) -> str:
        return f"{self.url}/v1/projects/{self.env['SINCH_PROJECT_ID']}/activeNumbers"

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    s = LocalServer()
    yield s
    s.stop()


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
