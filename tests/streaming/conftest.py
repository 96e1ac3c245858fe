"""A real server per test (SQLite and PostgreSQL), with short heartbeats for the streams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import redisserver
from tests.support.server import running_server


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url, streaming_heartbeat_seconds=0.5) as url:
        yield url


@pytest.fixture(scope="session")
def redis_server() -> Iterator[redisserver.RedisServer]:
    server = redisserver.start()
    try:
        yield server
    finally:
        server.stop()
