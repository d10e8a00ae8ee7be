"""A fleet across languages shares one token through a real redis-server: Rust (the
`sinch-auth` command), Python and Node processes, started together against the local server,
make exactly one token request; then nothing in Redis names the key or holds a secret.

Run by scripts/test-cross-language.sh with the installed Python (argv[1]: the npm test
folder holding the installed Node package)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from sinch_auth.testing import local_server

PER_LANGUAGE = 6
NODE = (
    "const sa = require('@sinch-auth/node');"
    "process.stdin.once('data', async () => {"
    " const p = new sa.TokenProvider(sa.ProjectCredentials.fromEnv());"
    " console.log((await p.token()).token); process.exit(0) })"
)
PYTHON = (
    "import sys, sinch_auth as sa\n"
    "p = sa.TokenProvider(sa.ProjectCredentials.from_env())\n"
    "sys.stdin.readline()\n"
    "print(p.token().token)\n"
)


def redis_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
    assert exe, "redis-server is not installed (make test installs it)"
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(500):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as c:
                c.sendall(b"PING\r\n")
                if c.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start")


def redis_dump(url: str) -> bytes:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as c:
        c.sendall(b"KEYS *\r\n")
        time.sleep(0.2)
        keys = c.recv(1 << 16)
        names = [line for line in keys.split(b"\r\n") if line and line[:1] not in b"*$"]
        out = keys
        for n in names:
            c.sendall(b"GET " + n + b"\r\n")
            time.sleep(0.05)
            out += c.recv(1 << 16)
        return out


def main() -> None:
    npm_dir = Path(sys.argv[1]).resolve()
    redis, url = redis_server()
    try:
        with local_server() as server:
            server.faults("slow:500")
            env = {**os.environ, **server.env, "SINCH_AUTH_SHARED_CACHE": url}
            env.pop("SINCH_AUTH_CA_BUNDLE", None)
            procs = []
            for _ in range(PER_LANGUAGE):
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-c", PYTHON],
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                    )
                )
                procs.append(
                    subprocess.Popen(
                        ["node", "-e", NODE],
                        cwd=npm_dir,
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                    )
                )
            time.sleep(1.5)  # every process is up and waiting
            for p in procs:
                assert p.stdin is not None
                p.stdin.write(b"go\n")
                p.stdin.flush()
            # The Rust processes: the CLI, started at the same moment.
            procs += [
                subprocess.Popen(
                    [sys.executable, "-m", "sinch_auth", "token"], env=env, stdout=subprocess.PIPE
                )
                for _ in range(PER_LANGUAGE)
            ]
            tokens = set()
            for p in procs:
                out, _ = p.communicate(timeout=60)
                assert p.returncode == 0, out
                tokens.add(out.decode().strip())
            requests = server.counters()["token_requests"]
            assert len(tokens) == 1, tokens
            assert requests == 1, f"{requests} token requests for {len(procs)} processes"
            dump = redis_dump(url)
            token = tokens.pop()
            for secret in (server.env["SINCH_KEY_ID"], server.env["SINCH_KEY_SECRET"], token):
                assert secret.encode() not in dump, "a secret in Redis"
            print(
                f"fleet: {len(procs)} processes (Rust, Python, Node) sharing Redis made"
                f" {requests} token request; nothing secret in Redis"
            )
    finally:
        redis.terminate()
        redis.wait()


if __name__ == "__main__":
    main()
