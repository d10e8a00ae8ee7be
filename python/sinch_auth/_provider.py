"""``TokenProvider`` with awaitable twins of ``token()`` and ``authorization()``.

The Rust provider is the cache and makes one request for every caller, sync or async. An
awaiting caller gets a fresh cached token at once; otherwise every coroutine (in any event
loop, asyncio or trio) waits on one shared fetch running in one worker thread, so the event
loop keeps ticking and a crowd of waiters does not fill the default executor.
"""

from __future__ import annotations

import _thread
import os
import sys

from . import _native
from ._native import AccessToken

# `import sinch_auth` stays light (budget 30 ms; asyncio alone measured ~50 ms, typing and
# threading ~13 ms): those modules are imported where they are used. mypy reads this name
# as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import concurrent.futures
    from typing import Any

_LOCK = _thread.allocate_lock()


class TokenProvider(_native.TokenProvider):
    """Cached, single-flight OAuth2 tokens for one access key (see the module docs)."""

    _inflight: concurrent.futures.Future[AccessToken] | None = None
    _inflight_pid: int = 0

    async def token_async(self) -> AccessToken:
        """A valid token without blocking the event loop. Cancelling the awaiting task does
        not cancel the shared fetch the other callers wait on."""
        fresh = self._fresh_token()
        if fresh is not None:
            return fresh
        future = self._shared_fetch()
        trio = _running_trio()
        if trio is not None:
            return await _trio_wait(trio, future)
        import asyncio

        # shield: a cancelled waiter must not cancel the future the others share.
        return await asyncio.shield(asyncio.wrap_future(future))

    async def authorization_async(self) -> str:
        """``Bearer <token>``, awaitable."""
        return (await self.token_async()).authorization

    def _shared_fetch(self) -> concurrent.futures.Future[AccessToken]:
        import concurrent.futures

        with _LOCK:
            future = self._inflight
            # A future from before a fork belongs to a thread the child does not have.
            if future is None or self._inflight_pid != os.getpid():
                future = concurrent.futures.Future()
                future.set_running_or_notify_cancel()
                self._inflight, self._inflight_pid = future, os.getpid()
                import threading

                threading.Thread(
                    target=self._fetch_into, args=(future,), name="sinch-auth-token", daemon=True
                ).start()
            return future

    def _fetch_into(self, future: concurrent.futures.Future[AccessToken]) -> None:
        try:
            result = self.token()
        except BaseException as e:  # handed to the awaiting callers, not lost in this thread
            with _LOCK:
                if self._inflight is future:
                    self._inflight = None
            future.set_exception(e)
            return
        with _LOCK:
            if self._inflight is future:
                self._inflight = None
        future.set_result(result)


def _running_trio() -> Any:
    """The trio module when the caller runs under trio (as anyio on trio does), else None.
    Only a program that imported trio can be running it, so nothing is imported here."""
    trio = sys.modules.get("trio")
    if trio is None:
        return None
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return None
    return trio


async def _trio_wait(trio: Any, future: concurrent.futures.Future[AccessToken]) -> AccessToken:
    # Woken from the fetching thread through the trio token; a cancelled waiter leaves the
    # shared future alone.
    done = trio.Event()
    token = trio.lowlevel.current_trio_token()
    future.add_done_callback(lambda _: token.run_sync_soon(done.set))
    await done.wait()
    return future.result()


__all__ = ["TokenProvider"]
