"""madang through a real pgbouncer in transaction pooling mode (shape (c) of docs/ops/shapes.md):
asyncpg's named prepared statements break there, MADANG_DATABASE_POOLER=pgbouncer makes them
unnamed; then two web processes and a worker post, read and run jobs through it."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from madang.db import Database
from tests.mastodon_api.clients import auth, eventually, new_app, register
from tests.support import pgbouncer, pgserver, redisserver
from tests.support.serve_process import answering, stop

_n = itertools.count()


@pytest.fixture(scope="module")
def bounced(pg_server: pgserver.PgServer) -> Iterator[tuple[pgbouncer.PgBouncer, str]]:
    """A fresh madang database behind a pgbouncer whose pool has two server connections: a client
    connection's transactions land on either, as in any busy pool."""
    name = f"bounced{next(_n)}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
    bouncer = pgbouncer.start(pg_server, pool_size=2)
    try:
        yield bouncer, name
    finally:
        bouncer.stop()


async def _two_clients(url: str, pooler: str | None) -> None:
    db = Database(url, pool_size=2, pooler=pooler)
    try:
        async def unit(n: int) -> int:
            async with db.write() as session:
                await session.execute(text("SELECT count(*) FROM accounts WHERE id > :n"), {"n": n})
                return int(await session.scalar(text("SELECT CAST(:n AS bigint) + 1"), {"n": n}))

        # A statement asyncpg prepared (named) in one transaction is looked for again in a later one,
        # which may run on the other server connection.
        for _ in range(5):
            assert await asyncio.gather(*(unit(n) for n in range(8))) == [n + 1 for n in range(8)]
    finally:
        await db.dispose()


async def test_named_prepared_statements_break_behind_pgbouncer_and_the_pooler_setting_mends_it(
        bounced: tuple[pgbouncer.PgBouncer, str]) -> None:
    bouncer, name = bounced
    with pytest.raises(Exception, match="prepared statement"):
        await _two_clients(bouncer.url(name), None)
    await _two_clients(bouncer.url(name), "pgbouncer")


@pytest.fixture(scope="module")
def shape_c(bounced: tuple[pgbouncer.PgBouncer, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`madang serve --workers 2` and `madang worker`, both through pgbouncer, with Redis."""
    bouncer, name = bounced
    redis = redisserver.start()
    folder = tmp_path_factory.mktemp("shape-c")
    port = pgserver.free_port()
    env = {**os.environ, "MADANG_DATABASE_URL": bouncer.url(name), "MADANG_DATABASE_POOLER": "pgbouncer",
           "MADANG_REDIS_URL": redis.url, "MADANG_HOST": "127.0.0.1", "MADANG_PORT": str(port),
           "MADANG_MEDIA_PATH": str(folder / "media"), "MADANG_EMBEDDED_WORKER": "false",
           "MADANG_SECRET_KEY": "shape-c-test-key-0123456789abcdef", "MADANG_RATE_LIMIT_PER_5MIN": "100000",
           "MADANG_SIGN_UPS_PER_5MIN": "100000", "MADANG_WORKER_POLL_SECONDS": "0.2",
           "MADANG_PROFILE_LINK_CHECKS": "false", "MADANG_FEDERATION": "false"}
    madang = str(Path(sys.executable).with_name("madang"))
    logs = [(folder / f"{n}.out").open("wb") for n in ("serve", "worker")]
    worker = subprocess.Popen([madang, "worker"], env=env, stdout=logs[1], stderr=subprocess.STDOUT, cwd=folder)
    serve = subprocess.Popen([madang, "serve", "--workers", "2"], env=env, stdout=logs[0],
                             stderr=subprocess.STDOUT, cwd=folder)

    def output() -> str:
        return "".join((folder / f"{n}.out").read_text(errors="replace")[-3000:] for n in ("serve", "worker"))

    try:
        with answering(serve, f"http://127.0.0.1:{port}", output):
            yield f"http://127.0.0.1:{port}"
        assert "Traceback" not in output(), output()
    finally:
        stop(worker)
        for log in logs:
            log.close()
        redis.stop()


def test_two_web_processes_and_a_worker_post_read_and_run_jobs_through_pgbouncer(shape_c: str) -> None:
    base = shape_c
    app = new_app(base)
    author, author_name, _ = register(base, app)
    reader, reader_name, _ = register(base, app)
    a, r = auth(author.access_token), auth(reader.access_token)
    author_id = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers=a).json()["id"]
    assert httpx.post(f"{base}/api/v1/accounts/{author_id}/follow", headers=r).status_code == 200

    def post(n: int) -> str:
        answer = httpx.post(f"{base}/api/v1/statuses", headers=a, json={"status": f"pgbouncer 너머 {n} #바운서"})
        assert answer.status_code == 200, answer.text
        return answer.json()["id"]

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:  # requests spread over both web processes at once
        posted = set(pool.map(post, range(24)))
    home = httpx.get(f"{base}/api/v1/timelines/home", headers=r, params={"limit": 40}).json()
    assert posted <= {s["id"] for s in home}
    tagged = httpx.get(f"{base}/api/v1/timelines/tag/바운서", params={"limit": 40}).json()
    assert posted <= {s["id"] for s in tagged}
    # A mention is a job (notifications.status_posted) that only the worker process runs.
    mention = httpx.post(f"{base}/api/v1/statuses", headers=a, json={"status": f"@{reader_name} 안녕하세요"}).json()
    eventually(lambda: any(n["type"] == "mention" and n["status"]["id"] == mention["id"]
                           for n in httpx.get(f"{base}/api/v1/notifications", headers=r).json()))
    assert httpx.post(f"{base}/api/v1/statuses/{mention['id']}/favourite", headers=r).status_code == 200
    eventually(lambda: any(n["type"] == "favourite" for n in httpx.get(f"{base}/api/v1/notifications", headers=a).json()))
    found = httpx.get(f"{base}/api/v2/search", headers=r, params={"q": "너머", "type": "statuses"}).json()
    assert len(found["statuses"]) == 20
