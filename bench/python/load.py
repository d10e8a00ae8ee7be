"""N concurrent threads for SECONDS: `load.py sinch_auth|sinch TOKEN_URL API_URL PROJECT KEY SECRET N SECONDS`.
Prints the number of API calls made; the server counts token requests and 401s."""

from __future__ import annotations

import sys
import threading
import time
import urllib.request
from urllib.error import HTTPError


def call(api: str, auth: str) -> tuple[int, str]:
    req = urllib.request.Request(api, headers={"Authorization": auth})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
            return r.status, ""
    except HTTPError as e:
        e.read()
        return e.code, e.headers.get("WWW-Authenticate", "")


def main() -> None:
    which, token_url, api, project, key, secret, n, secs = sys.argv[1:]
    if which == "sinch_auth":
        import sinch_auth as sa

        p = sa.TokenProvider(sa.ProjectCredentials(project, key, secret), token_url)

        def get() -> str:
            return p.authorization()

        def expired(auth: str) -> None:
            p.invalidate(auth[7:])
    else:
        from sinch import SinchClient

        client = SinchClient(key_id=key, key_secret=secret, project_id=project)
        client.configuration.auth_origin = token_url.removesuffix("/oauth2/token")
        tm = client.configuration.token_manager

        def get() -> str:
            return "Bearer " + tm.get_auth_token().access_token

        def expired(auth: str) -> None:
            tm.refresh_auth_token(auth[7:])

    print("ready", flush=True)
    end = time.monotonic() + float(secs)
    calls = [0]
    lock = threading.Lock()

    def worker() -> None:
        while time.monotonic() < end:
            auth = get()
            status, www = call(api, auth)
            if status == 401 and "expired" in www.lower():
                expired(auth)
            with lock:
                calls[0] += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=worker) for _ in range(int(n))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(calls[0])


if __name__ == "__main__":
    main()
