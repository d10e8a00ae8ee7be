"""The local Sinch-compatible server, for your own tests.

It runs `sinch-auth serve` (the same Rust server the CLI has) in a child process on a free
loopback port, with throwaway credentials, and drives it through its admin endpoints::

    from sinch_auth.testing import local_server

    with local_server() as sinch:
        provider = sinch.token_provider()
        requests.get(sinch.numbers_url, headers={"Authorization": provider.authorization()})
        assert sinch.counters()["token_requests"] == 1

With pytest the fixtures are there without an import (the package registers this module as
a pytest plugin): ``sinch_server`` is one server for the whole session, ``sinch_env`` resets
it and points the ``SINCH_*``/``MAILGUN_*`` environment variables at it for one test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Optional

from ._native import (
    ApplicationCredentials,
    MailgunCredentials,
    ProjectCredentials,
    ServicePlanCredentials,
)
from ._provider import TokenProvider

__all__ = ["LocalServer", "local_server"]


class LocalServer:
    """A running local server. Start it with :func:`local_server`; stop it with ``stop()``
    or by leaving the ``with`` block."""

    def __init__(
        self,
        *,
        token_lifetime: float = 3600.0,
        rate_limit: bool = False,
        faults: Iterable[str] = (),
        startup_timeout: float = 30.0,
    ) -> None:
        args = [sys.executable, "-m", "sinch_auth", "serve", "--json", "--exit-on-stdin-close"]
        args += ["--token-lifetime", str(token_lifetime)]
        if rate_limit:
            args.append("--rate-limit")
        for fault in faults:
            args += ["--fault", fault]
        self._proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            err = self._stop_and_read_stderr(startup_timeout)
            raise RuntimeError(f"the sinch-auth local server did not start: {err}")
        started = json.loads(line)
        #: Every variable `sinch-auth serve` exports, pointing each credential set here.
        self.env: dict[str, str] = started["env"]
        #: The server's base URL (``http://127.0.0.1:<port>``): every API path lives under it.
        self.url: str = started["url"]
        #: Its OAuth2 token endpoint (give it to ``TokenProvider(..., token_url=...)``).
        self.token_url: str = started["token_url"]

    # Credentials and URLs pointed at the server.

    @property
    def numbers_url(self) -> str:
        """A bearer-protected endpoint (the Numbers API's active numbers)."""
        return f"{self.url}/v1/projects/{self.env['SINCH_PROJECT_ID']}/activeNumbers"

    @property
    def webhook_secret(self) -> str:
        """The secret the server signs Conversation/SMS/Numbers test webhooks with."""
        return self.env["SINCH_WEBHOOK_SECRET"]

    def project_credentials(self) -> ProjectCredentials:
        e = self.env
        return ProjectCredentials(e["SINCH_PROJECT_ID"], e["SINCH_KEY_ID"], e["SINCH_KEY_SECRET"])

    def application_credentials(self) -> ApplicationCredentials:
        return ApplicationCredentials(self.env["SINCH_APP_KEY"], self.env["SINCH_APP_SECRET"])

    def service_plan_credentials(self) -> ServicePlanCredentials:
        e = self.env
        return ServicePlanCredentials(
            e["SINCH_SERVICE_PLAN_ID"], e["SINCH_SMS_API_TOKEN"], e["SINCH_SMS_REGION"]
        )

    def mailgun_credentials(self) -> MailgunCredentials:
        return MailgunCredentials(self.env["MAILGUN_API_KEY"], self.env["MAILGUN_DOMAIN"])

    def token_provider(self, **options: Any) -> TokenProvider:
        """A TokenProvider for the server's project credentials and token endpoint; ``options``
        are TokenProvider's keywords (``timeout``, ``max_retries``, …)."""
        return TokenProvider(self.project_credentials(), self.token_url, **options)

    # The admin endpoints: counters, fault injection, configuration.

    def _admin(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def counters(self) -> dict[str, int]:
        """Requests seen so far: ``token_requests``, ``tokens_issued``, ``api_ok``,
        ``api_expired``, ``signed_ok``, …"""
        return self._admin("/_admin/counters")  # type: ignore[no-any-return]

    def faults(self, *faults: str) -> None:
        """Queue faults for the next token requests, one per request: ``"500"``, ``"429"``,
        ``"429:retry-after=2"``, ``"slow:MS"``, ``"malformed"``, ``"drop"``, …"""
        self._admin("/_admin/faults", {"faults": list(faults)})

    def configure(self, **config: Any) -> None:
        """Change settings while running: ``token_lifetime_ms``, ``rate_limit`` (bool)."""
        self._admin("/_admin/config", config)

    def expire_tokens(self) -> None:
        """Make every token issued so far expired, as a revoked or timed-out token is."""
        self._admin("/_admin/expire-tokens", {})

    def reset(self) -> None:
        """Counters, queued faults and settings back to how the server started."""
        self._admin("/_admin/reset", {})

    # Lifetime.

    def _stop_and_read_stderr(self, timeout: float) -> str:
        # communicate() closes stdin, which is what stops `serve --exit-on-stdin-close`.
        try:
            _, err = self._proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            _, err = self._proc.communicate()
        return (err or b"").decode(errors="replace").strip()

    def stop(self) -> None:
        """Stop the server (it also stops by itself when this process exits)."""
        if self._proc.poll() is None:
            self._stop_and_read_stderr(5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<sinch_auth.testing.LocalServer {self.url}>"


def local_server(
    *, token_lifetime: float = 3600.0, rate_limit: bool = False, faults: Iterable[str] = ()
) -> LocalServer:
    """Start a local server; use it as a context manager (``with local_server() as s:``).

    ``token_lifetime`` is in seconds; ``rate_limit`` turns on the auth gateway's token bucket
    (30 burst, 10/s); ``faults`` are queued for the first token requests.
    """
    return LocalServer(token_lifetime=token_lifetime, rate_limit=rate_limit, faults=faults)


try:
    import pytest
except ImportError:  # pragma: no cover - the context manager works without pytest
    pass
else:

    @pytest.fixture(scope="session")
    def sinch_server() -> Iterator[LocalServer]:
        """One local server for the test session."""
        with local_server() as server:
            yield server

    @pytest.fixture
    def sinch_env(sinch_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
        """The session's server, reset, with the environment pointed at it for this test
        (``ProjectCredentials.from_env()`` and friends, ``sinch-auth`` in a subprocess)."""
        sinch_server.reset()
        for name, value in sinch_server.env.items():
            monkeypatch.setenv(name, value)
        return sinch_server
