"""Account tests move time with a frozen clock (passwords are hashed cheaply suite-wide)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from madang.core import clock


@pytest.fixture
def frozen_clock() -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(clock.Clock().now())
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(clock.Clock())
