"""The package as installed: the `sinch-auth` command from the environment's bin/ and
`python -m sinch_auth`, the testing helper, and (under `make test`) that the suite runs
against the installed wheel rather than the source tree."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sinch_auth as sa
from conftest import REPO
from sinch_auth.testing import LocalServer, local_server

BIN = Path(sys.executable).parent


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sinch_auth", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_installed_not_the_source_tree() -> None:
    if not os.environ.get("SINCH_AUTH_EXPECT_INSTALLED"):
        pytest.skip("make test sets SINCH_AUTH_EXPECT_INSTALLED")
    where = Path(sa.__file__).resolve()
    assert REPO / "python" not in where.parents, where
    assert "site-packages" in where.parts
    assert shutil.which("cargo") is None and shutil.which("rustc") is None


def test_import_stays_light() -> None:
    # The import budget (30 ms, timed in `make bench`) holds only while nothing heavy loads
    # with it: `typing` alone measured ~10 ms, asyncio ~50 ms. A fresh interpreter each.
    heavy = ("typing", "asyncio", "json", "dataclasses", "urllib.parse", "flask", "fastapi")
    code = f"import sys, sinch_auth; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_console_script_is_the_same_command() -> None:
    script = BIN / "sinch-auth"
    assert script.exists(), f"no console script in {BIN}"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert out.stdout.strip() == f"sinch-auth {sa.__version__}"
    assert cli("--version").stdout == out.stdout


def test_exit_codes_and_help() -> None:
    helped = cli("--help")
    assert helped.returncode == 0
    assert "Exit codes:" in helped.stdout and "70" in helped.stdout
    assert cli("no-such-command").returncode == 2
    assert cli("which", "pager").returncode == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SINCH_", "MAILGUN_"))}
    missing = cli("token", env=env)
    assert missing.returncode == 2
    assert "SINCH_KEY_SECRET" in missing.stderr


def test_json_output_of_every_result_command(server: LocalServer) -> None:
    env = {**os.environ, **server.env}
    which = json.loads(cli("which", "voice", "--json").stdout)
    assert which["auth_model"] == "application"
    token = cli("token", "--json", env=env)
    assert token.returncode == 0, token.stderr
    t = json.loads(token.stdout)
    assert t["token_type"].lower() == "bearer"
    assert t["authorization"] == "Bearer " + t["access_token"]
    assert t["token_url"] == server.token_url
    signed = json.loads(
        cli("sign", "--method", "POST", "--path", "/calling/v1/callouts", "--json", env=env).stdout
    )
    app_key = server.env["SINCH_APP_KEY"]
    assert signed["headers"]["Authorization"].startswith(f"Application {app_key}:")
    # doctor from the venv's bin/, as the console script a user runs.
    doctor = subprocess.run(
        [str(BIN / "sinch-auth"), "doctor", "--product", "numbers", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(doctor.stdout)
    assert doctor.returncode == 0 and report["ok"] is True, doctor.stdout
    messages = [c["message"] for s in report["sections"] for c in s["checks"]]
    # The base URL doctor reports is the one it called (the local server), not Sinch's.
    assert any(server.url in m and "SINCH_API_BASE_URL" in m for m in messages), messages
    assert not any("numbers.api.sinch.com" in m and "at https" in m for m in messages), messages
    assert server.env["SINCH_KEY_SECRET"] not in doctor.stdout


def test_verify_json_says_why(tmp_path: Path) -> None:
    (tmp_path / "h").write_text("x-sinch-webhook-signature: AAAA\n")
    (tmp_path / "b").write_bytes(b"{}")
    env = {**os.environ, "SINCH_WEBHOOK_SECRET": "s"}
    out = cli("verify", "conversation", "--headers", str(tmp_path / "h"), "--body",
              str(tmp_path / "b"), "--json", env=env)  # fmt: skip
    assert out.returncode == 1
    result = json.loads(out.stdout)
    assert result["valid"] is False and result["reason"] == "missing_header"


def test_completions() -> None:
    out = cli("completions", "bash")
    assert out.returncode == 0 and "_sinch-auth()" in out.stdout.replace("__", "-")


def test_serve_stops_on_sigint_like_the_native_binary() -> None:
    proc = subprocess.Popen(
        [str(BIN / "sinch-auth"), "serve", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        started = json.loads(proc.stdout.readline())
        assert started["url"].startswith("http://127.0.0.1:")
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == -signal.SIGINT
    finally:
        proc.kill()


def test_testing_helper_context_manager_and_faults() -> None:
    with local_server(token_lifetime=60, faults=["503"]) as s:
        provider = s.token_provider(max_retries=2)
        token = provider.token()
        assert 0 < token.expires_in <= 60
        assert s.counters()["token_requests"] == 2  # the queued 503, then the retry
        assert s.webhook_secret == s.env["SINCH_WEBHOOK_SECRET"]
        assert s.application_credentials().app_key == s.env["SINCH_APP_KEY"]
        assert s.service_plan_credentials().service_plan_id == s.env["SINCH_SERVICE_PLAN_ID"]
        assert s.mailgun_credentials().domain == s.env["MAILGUN_DOMAIN"]
        proc = s._proc
    assert proc.poll() is not None, "leaving the with block stops the server"


def test_pytest_fixture_points_the_environment_at_the_server(sinch_env: LocalServer) -> None:
    # The plugin is registered by the wheel's pytest11 entry point: no import needed.
    assert os.environ["SINCH_AUTH_URL"] == sinch_env.token_url
    provider = sa.TokenProvider(sa.ProjectCredentials.from_env())
    assert provider.token_url == sinch_env.token_url
    assert provider.authorization().startswith("Bearer ")
    assert sinch_env.counters()["token_requests"] == 1


def test_the_installed_command_runs_the_proxy() -> None:
    """`sinch-auth proxy` from the package's command: a request without credentials goes in,
    the local server's verifier accepts what comes out."""
    with local_server() as s:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SINCH_", "MAILGUN_"))}
        env.update({k: v for k, v in s.env.items() if k != "SINCH_API_BASE_URL"})
        proc = subprocess.Popen(
            [
                str(BIN / "sinch-auth"),
                "proxy",
                "--port",
                "0",
                "--exit-on-stdin-close",
                "--override-host",
                f"numbers.api.sinch.com={s.url}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        try:
            assert proc.stdout is not None and proc.stdin is not None
            line = proc.stdout.readline()
            assert line.startswith("sinch-auth proxy on http://127.0.0.1:"), line
            port = int(line.strip().rsplit(":", 1)[1])
            path = s.numbers_url.removeprefix(s.url)
            for _ in range(2):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", f"/numbers.api.sinch.com{path}", headers={"X-Sinch-Proxy": "1"})
                resp = conn.getresponse()
                assert resp.status == 200, resp.read()
                conn.close()
            assert s.counters()["token_requests"] == 1
            proc.stdin.close()
            assert proc.wait(timeout=10) == 0
            assert proc.stderr is not None
            log = proc.stderr.read()
            assert "GET numbers.api.sinch.com" in log and " 200 " in log, log
            assert "proxy: info token fetched (key " in log, log
        finally:
            proc.kill()
