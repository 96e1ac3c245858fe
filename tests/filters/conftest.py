"""A real server per test (SQLite and PostgreSQL) for the stream tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import running_server


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url, streaming_heartbeat_seconds=0.5) as url:
        yield url
