"""A real server per test, on SQLite and on PostgreSQL, for API tests with real clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from madang.accounts.passwords import use_default_hasher, use_fast_hasher_for_tests
from tests.support.server import running_server


@pytest.fixture(autouse=True)
def fast_passwords() -> Iterator[None]:
    use_fast_hasher_for_tests()
    yield
    use_default_hasher()


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url
