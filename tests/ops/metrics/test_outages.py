"""/ready on PostgreSQL and Redis while they go away: a real PostgreSQL server and a real redis-server of
this test's own (the suite's shared ones keep running), stopped under a running `madang serve`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from madang.db.migrate import upgrade
from tests.support import pgserver, redisserver
from tests.support.serve_process import madang_serve


@pytest.fixture(scope="module")
def own_servers() -> Iterator[tuple[pgserver.PgServer, redisserver.RedisServer]]:
    postgres = pgserver.start()
    redis = redisserver.start()
    try:
        postgres.psql("CREATE DATABASE madang")
        upgrade(postgres.url("madang"))
        yield postgres, redis
    finally:
        redis.stop()
        postgres.stop()


def _ready(base: str) -> httpx.Response:
    started = time.monotonic()
    answer = httpx.get(f"{base}/ready", timeout=15)
    assert time.monotonic() - started < 10  # every check is bounded (2 s each)
    return answer


def test_ready_fails_while_redis_or_the_database_is_away(own_servers: tuple[pgserver.PgServer, redisserver.RedisServer],
                                                         sqlite_template: Path, tmp_path: Path) -> None:
    postgres, redis = own_servers
    with madang_serve(sqlite_template, tmp_path, MADANG_DATABASE_URL=postgres.url("madang"), MADANG_REDIS_URL=redis.url) as served:
        deadline = time.monotonic() + 30  # just started on a loaded machine: a first check may pass its 2 s
        while (answer := _ready(served.base)).status_code != 200:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.5)
        assert set(answer.json()["checks"]) == {"database", "migrations", "jobs", "redis"}

        redis.stop()
        answer = _ready(served.base)
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert checks["redis"]["ok"] is False and checks["redis"]["error"]
        assert checks["database"]["ok"] is True

        postgres.stop()
        answer = _ready(served.base)
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert checks["database"]["ok"] is False and checks["database"]["error"]
        assert checks["jobs"]["ok"] is False and "not reachable" in checks["jobs"]["error"]
        # Liveness does not touch the database: the process is alive and says so, at once.
        started = time.monotonic()
        assert httpx.get(f"{served.base}/health", timeout=5).text == "OK"
        assert time.monotonic() - started < 1
