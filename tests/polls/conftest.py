"""A frozen clock for poll tests: polls end when the clock says so, not after a sleep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from madang.core.clock import Clock, FrozenClock, set_clock


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())
