"""Shapes (b) and (c) of docs/ops/shapes.md started as documented: `madang serve --workers 2` and one
`madang worker` with Redis, on SQLite (b) and on PostgreSQL through a real pgbouncer in
transaction pooling mode (c). Citizens post through both web processes at once, read their
timelines and search, and the worker process runs the jobs."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.mastodon_api.clients import auth, eventually, new_app, register
from tests.support import pgbouncer, pgserver, redisserver
from tests.support.serve_process import answering, stop

_n = itertools.count()


@pytest.fixture(scope="module", params=["b", "c"])
def shape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp(f"shape-{request.param}")
    port = pgserver.free_port()
    env = {**os.environ, "MADANG_HOST": "127.0.0.1", "MADANG_PORT": str(port), "MADANG_MEDIA_PATH": str(folder / "media"),
           "MADANG_EMBEDDED_WORKER": "false", "MADANG_SECRET_KEY": "shape-test-key-0123456789abcdef",
           "MADANG_RATE_LIMIT_PER_5MIN": "100000", "MADANG_SIGN_UPS_PER_5MIN": "100000",
           "MADANG_WORKER_POLL_SECONDS": "0.2", "MADANG_PROFILE_LINK_CHECKS": "false", "MADANG_FEDERATION": "false"}
    cleanup = []
    if request.param == "b":
        database = folder / "madang.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        env["MADANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    else:
        server: pgserver.PgServer = request.getfixturevalue("pg_server")
        name = f"shape_c{next(_n)}"
        server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
        bouncer = pgbouncer.start(server, pool_size=4)
        cleanup.append(bouncer.stop)
        env |= {"MADANG_DATABASE_URL": bouncer.url(name), "MADANG_DATABASE_POOLER": "pgbouncer"}
    redis = redisserver.start()
    cleanup.append(redis.stop)
    env["MADANG_REDIS_URL"] = redis.url
    madang = str(Path(sys.executable).with_name("madang"))
    logs = {n: (folder / f"{n}.out").open("wb") for n in ("serve", "worker")}
    worker = subprocess.Popen([madang, "worker"], env=env, stdout=logs["worker"], stderr=subprocess.STDOUT, cwd=folder)
    serve = subprocess.Popen([madang, "serve", "--workers", "2"], env=env, stdout=logs["serve"],
                             stderr=subprocess.STDOUT, cwd=folder)

    def output() -> str:
        return "".join((folder / f"{n}.out").read_text(errors="replace")[-3000:] for n in logs)

    try:
        with answering(serve, f"http://127.0.0.1:{port}", output):
            yield f"http://127.0.0.1:{port}"
        assert "Traceback" not in output(), output()
    finally:
        stop(worker)
        for log in logs.values():
            log.close()
        for step in reversed(cleanup):
            step()


def test_two_web_processes_and_a_worker_post_read_and_run_jobs(shape: str) -> None:
    base = shape
    app = new_app(base)
    author, _, _ = register(base, app)
    reader, reader_name, _ = register(base, app)
    a, r = auth(author.access_token), auth(reader.access_token)
    author_id = httpx.get(f"{base}/api/v1/accounts/verify_credentials", headers=a).json()["id"]
    assert httpx.post(f"{base}/api/v1/accounts/{author_id}/follow", headers=r).status_code == 200
    word = f"모양{next(_n)}"

    def post(n: int) -> str:
        answer = httpx.post(f"{base}/api/v1/statuses", headers=a, json={"status": f"{word} 글 {n} #{word}"})
        assert answer.status_code == 200, answer.text
        return answer.json()["id"]

    with ThreadPoolExecutor(8) as pool:  # requests spread over both web processes at once
        posted = set(pool.map(post, range(24)))
    home = httpx.get(f"{base}/api/v1/timelines/home", headers=r, params={"limit": 40}).json()
    assert posted <= {s["id"] for s in home}
    tagged = httpx.get(f"{base}/api/v1/timelines/tag/{word}", params={"limit": 40}).json()
    assert posted == {s["id"] for s in tagged}
    found = httpx.get(f"{base}/api/v2/search", headers=r, params={"q": word, "type": "statuses", "limit": 40}).json()
    assert {s["id"] for s in found["statuses"]} == posted
    # A mention and a favourite are jobs (notifications) that only the worker process runs.
    mention = httpx.post(f"{base}/api/v1/statuses", headers=a, json={"status": f"@{reader_name} 안녕하세요"}).json()
    eventually(lambda: any(n["type"] == "mention" and n["status"]["id"] == mention["id"]
                           for n in httpx.get(f"{base}/api/v1/notifications", headers=r).json()))
    assert httpx.post(f"{base}/api/v1/statuses/{mention['id']}/favourite", headers=r).status_code == 200
    eventually(lambda: any(n["type"] == "favourite" for n in httpx.get(f"{base}/api/v1/notifications", headers=a).json()))
