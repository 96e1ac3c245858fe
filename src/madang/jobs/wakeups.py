"""Waking idle in-process workers when a job is committed, so it runs at once instead of
after a poll interval. Workers in other processes still find it by polling."""

from __future__ import annotations

import asyncio
import contextlib
import threading

_lock = threading.Lock()  # the web app may commit on another thread's event loop
_wakers: set[Waker] = set()


class Waker:
    """One idle worker's alarm, bound to the event loop it was made on."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        with _lock:
            _wakers.add(self)

    def notify(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._event.set()
            return
        # asyncio.Event is not thread-safe: hand the set() to the worker's own loop.
        with contextlib.suppress(RuntimeError):  # that loop is already closed
            self._loop.call_soon_threadsafe(self._event.set)

    def clear(self) -> None:
        self._event.clear()

    async def wait(self, timeout: float) -> bool:
        """Sleep until notified or ``timeout`` seconds pass; True when notified."""
        if self._event.is_set():
            return True
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        with _lock:
            _wakers.discard(self)


def wake_workers() -> None:
    """Wake every idle worker of this process; cheap and safe to call from any thread."""
    with _lock:
        wakers = list(_wakers)
    for waker in wakers:
        waker.notify()
