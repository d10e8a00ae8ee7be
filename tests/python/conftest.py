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
