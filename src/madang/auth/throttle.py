"""Login throttling: a sliding window of failed attempts per client address and login.

In-process by default; the window is short and per process, which is what one machine
needs. (Redis-backed sharing across processes comes with MADANG_REDIS_URL.)"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from madang.core.errors import RateLimited

WINDOW = 300.0


class LoginThrottle:
    def __init__(self, attempts: int) -> None:
        self.attempts = attempts
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and q[0] <= now - WINDOW:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            q = self._recent(key, now)
            if len(q) >= self.attempts:
                raise RateLimited("Too many login attempts; try again later.",
                                  retry_after=int(q[0] + WINDOW - now) + 1)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
