"""A media folder per test, and a frozen clock for the 24-hour sweep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from madang.core.clock import Clock, FrozenClock, set_clock
from madang.media import LocalMediaStore


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 5, 5, 1, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())
