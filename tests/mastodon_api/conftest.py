"""A real server per test, on SQLite and on PostgreSQL, for API tests with real clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import running_server


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url
