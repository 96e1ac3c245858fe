"""Throttling guessable things: sign-in (growing delays per login and address) and a
sliding window of attempts for the rest (mail requests, password changes, guest forms).

In-process: the state is per process and short-lived, which is what one machine needs; with
several processes each keeps its own, so the bounds hold per process."""

from __future__ import annotations

import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable

from madang.core.clock import utcnow
from madang.core.errors import RateLimited

WINDOW = 300.0


class SlidingWindow:
    """At most ``attempts`` counted events a key per five minutes."""

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

    def allow(self, key: str) -> bool:
        """Count one event; False (and not counted) when the key has used its window."""
        now = time.monotonic()
        q = self._recent(key, now)
        if len(q) >= self.attempts:
            return False
        q.append(now)
        return True


class LoginThrottle(SlidingWindow):
    """The process's throttles: the sliding window itself (mail requests, password changes),
    ``sign_in`` (growing delays, sized from the same setting) and ``sign_up_notices`` (one
    "someone tried to sign up with your address" mail an address per five minutes)."""

    def __init__(self, attempts: int, *, sign_ups: int = 25) -> None:
        super().__init__(attempts)
        self.sign_in = SignInThrottle(per_login=max(3, attempts // 2), per_address=attempts * 5)
        self.sign_up_notices = SlidingWindow(1)
        self.sign_up_attempts = SlidingWindow(sign_ups)  # per client address, web and API together


def _clock_seconds() -> float:
    return utcnow().timestamp()  # the controllable clock: tests move it instead of sleeping


class SignInThrottle:
    """Growing delays for failed sign-ins, counted per (login, client address) and per address.

    A hard lock keyed on the login alone lets anyone lock anyone out (ten bad passwords for
    the mayor from anywhere), and one keyed on the address alone locks out everyone behind a
    shared address after a spray of random names. Here every count includes the address, so
    correct credentials from an address that did not fail are never refused. A (login,
    address) pair gets ``per_login`` free failures, then each further one doubles the wait
    (2 s, 4 s, … up to ``max_delay``); an address gets ``per_address`` free failures over all
    logins, then doubling waits too: that bounds the guessing (and the password hashing) one
    address can make, whatever names it tries. A success clears its pair, not the address.
    Counts are forgotten ``forget_after`` seconds after their last failure."""

    def __init__(self, *, per_login: int = 5, per_address: int = 50, max_delay: float = 900.0,
                 forget_after: float = 86_400.0, max_keys: int = 100_000,
                 now: Callable[[], float] = _clock_seconds) -> None:
        self.per_login = per_login
        self.per_address = per_address
        self.max_delay = max_delay
        self.forget_after = forget_after
        self.max_keys = max_keys
        self._now = now
        # key -> (failures, time of the last failure); least recently failed first.
        self._counts: OrderedDict[str, tuple[int, float]] = OrderedDict()

    @staticmethod
    def _keys(login: str, address: str) -> tuple[str, str]:
        return f"pair\0{login.strip().lower()}\0{address}", f"addr\0{address}"

    def _delay(self, failures: int, free: int) -> float:
        if failures < free:
            return 0.0
        return min(2.0 ** (failures - free + 1), self.max_delay)

    def _count(self, key: str, now: float) -> tuple[int, float]:
        entry = self._counts.get(key)
        if entry is None or now - entry[1] > self.forget_after:
            return 0, now
        return entry

    def check(self, login: str, address: str) -> None:
        """Raises RateLimited (with the seconds to wait) while this pair or address must wait."""
        now = self._now()
        pair, addr = self._keys(login, address)
        wait = 0.0
        for key, free in ((pair, self.per_login), (addr, self.per_address)):
            failures, last = self._count(key, now)
            wait = max(wait, last + self._delay(failures, free) - now)
        if wait > 0:
            seconds = int(wait) + (wait % 1 > 0)
            raise RateLimited(f"Too many login attempts; try again in {seconds} seconds.", retry_after=seconds)

    def failed(self, login: str, address: str) -> None:
        now = self._now()
        pair, addr = self._keys(login, address)
        for key in (pair, addr):
            failures, _ = self._count(key, now)
            self._counts[key] = (failures + 1, now)
            self._counts.move_to_end(key)
        while len(self._counts) > self.max_keys:
            self._counts.popitem(last=False)

    def succeeded(self, login: str, address: str) -> None:
        pair, _addr = self._keys(login, address)
        self._counts.pop(pair, None)
