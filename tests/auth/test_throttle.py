"""The sign-in throttle on its own: growing delays per (login, address), a bound per address."""

from __future__ import annotations

import pytest

from madang.auth.throttle import SignInThrottle
from madang.core.errors import RateLimited


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def _fail(throttle: SignInThrottle, login: str, address: str, times: int) -> None:
    for _ in range(times):
        throttle.check(login, address)
        throttle.failed(login, address)


def test_waits_double_after_the_free_failures_and_are_capped() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_login=5, per_address=1000, max_delay=60, now=clock)
    _fail(throttle, "Mayor", "203.0.113.9", 4)
    throttle.check("mayor", "203.0.113.9")  # four failures: no wait yet
    waits = []
    for _ in range(7):
        throttle.failed("mayor", "203.0.113.9")
        with pytest.raises(RateLimited) as refused:
            throttle.check("MAYOR ", "203.0.113.9")  # the same login, however typed
        waits.append(refused.value.retry_after)
        assert "try again in" in refused.value.message
        clock.t += refused.value.retry_after
        throttle.check("mayor", "203.0.113.9")  # once waited, one more try is allowed
    assert waits == [2, 4, 8, 16, 32, 60, 60]


def test_correct_credentials_from_another_address_are_never_refused() -> None:
    throttle = SignInThrottle(per_login=5, per_address=50, now=Clock())
    _fail(throttle, "mayor", "203.0.113.9", 5)
    for _ in range(20):
        throttle.failed("mayor", "203.0.113.9")
    with pytest.raises(RateLimited):
        throttle.check("mayor", "203.0.113.9")
    throttle.check("mayor", "198.51.100.7")
    throttle.check("someone_else", "203.0.113.9")  # the address has failed 25 times: under its bound


def test_an_address_spraying_names_is_bounded_without_touching_other_addresses() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_login=5, per_address=50, now=clock)
    for n in range(50):
        _fail(throttle, f"guess{n}", "192.0.2.66", 1)
    with pytest.raises(RateLimited) as refused:
        throttle.check("fresh_name", "192.0.2.66")
    assert refused.value.retry_after == 2
    throttle.check("fresh_name", "192.0.2.67")
    clock.t += 2
    throttle.check("fresh_name", "192.0.2.66")


def test_success_clears_the_pair_and_old_failures_are_forgotten() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_login=3, per_address=50, forget_after=3600, now=clock)
    _fail(throttle, "mayor", "203.0.113.9", 3)
    clock.t += 2
    throttle.succeeded("mayor", "203.0.113.9")
    _fail(throttle, "mayor", "203.0.113.9", 2)
    throttle.check("mayor", "203.0.113.9")
    throttle.failed("mayor", "203.0.113.9")
    with pytest.raises(RateLimited):
        throttle.check("mayor", "203.0.113.9")
    clock.t += 3601
    throttle.check("mayor", "203.0.113.9")
    _fail(throttle, "mayor", "203.0.113.9", 2)  # counted from zero again


def test_memory_is_bounded() -> None:
    throttle = SignInThrottle(max_keys=100, now=Clock())
    for n in range(1000):
        throttle.failed(f"name{n}", f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._counts) <= 100
