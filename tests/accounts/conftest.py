"""Account tests hash many passwords: use argon2id's cheapest parameters here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from madang.accounts import passwords
from madang.core import clock


@pytest.fixture(autouse=True)
def fast_hasher() -> Iterator[None]:
    passwords.use_fast_hasher_for_tests()
    yield
    passwords.use_default_hasher()


@pytest.fixture
def frozen_clock() -> Iterator[clock.FrozenClock]:
    frozen = clock.FrozenClock(clock.Clock().now())
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(clock.Clock())
