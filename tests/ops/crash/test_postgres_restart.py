"""PostgreSQL restarted under load: while it is away, requests answer 503 (never 500, never a hang),
and once it is back they succeed again by themselves: no restart of `madang serve`. Runs on a
PostgreSQL of its own, so the suite's shared server is never stopped."""

from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from madang.db import Database
from madang.db.migrate import upgrade
from madang.models import Status
from tests.ops.crash.serving import madang_serve, serve_env, wait_for
from tests.ops.crash.town import make_town
from tests.support import pgserver


@pytest.fixture(scope="module")
def own_pg() -> Iterator[pgserver.PgServer]:
    server = pgserver.start()
    try:
        yield server
    finally:
        server.stop()


def pg_ctl(server: pgserver.PgServer, *args: str) -> None:
    opts = (f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(server._cmd(pgserver._pg_bin("pg_ctl"), "-D", str(server.folder / "data"), "-o", opts,
                               "-l", str(server.folder / "log"), "-w", "-t", "30", *args),
                   check=True, capture_output=True, timeout=60)


class Load:
    """Clients posting and reading as fast as they are answered; every answer's code is kept."""

    def __init__(self, base: str, tokens: list[str]) -> None:
        self.codes: list[tuple[float, int]] = []  # (monotonic time, HTTP status or 0 for no answer)
        self.posted: list[int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(base, t, n), daemon=True)
                        for n, t in enumerate(tokens)]

    def _client(self, base: str, token: str, n: int) -> None:
        with httpx.Client(base_url=base, timeout=15, headers={"Authorization": f"Bearer {token}"}) as http:
            step = 0
            while not self.stop.is_set():
                step += 1
                try:
                    if step % 2:
                        r = http.post("/api/v1/statuses", data={"status": f"재시작 중에도 {n}-{step}"})
                        if r.status_code == 200:
                            self.posted.append(int(r.json()["id"]))
                    else:
                        r = http.get("/api/v1/timelines/home")
                    self.codes.append((time.monotonic(), r.status_code))
                    if r.status_code == 503:
                        assert r.json()["error"].startswith("The database is unavailable")
                        assert r.headers["retry-after"]
                        time.sleep(0.1)
                except httpx.HTTPError:
                    self.codes.append((time.monotonic(), 0))
                    time.sleep(0.1)

    def since(self, moment: float) -> list[int]:
        return [code for at, code in self.codes if at >= moment]

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=20)


async def test_requests_answer_503_while_postgresql_is_away_and_recover(own_pg: pgserver.PgServer,
                                                                        tmp_path: Path) -> None:
    own_pg.psql("CREATE DATABASE restarted")
    url = own_pg.url("restarted")
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    town = await make_town(url, citizens=3)
    with madang_serve(serve_env(url, tmp_path / "media"), tmp_path / "serve.log") as server:
        with Load(server.base, town.tokens) as load:
            wait_for(lambda: load.since(0).count(200) >= 10, 30, "answers before the restart")
            pg_ctl(own_pg, "stop", "-m", "fast")  # what `systemctl restart postgresql` does first
            down = time.monotonic()
            wait_for(lambda: load.since(down + 0.5).count(503) >= 5, 30, "503 answers while PostgreSQL is away")
            pg_ctl(own_pg, "start")
            up = time.monotonic()
            back = wait_for(lambda: [at for at, code in load.codes if at > up and code == 200], 30,
                            "a success after PostgreSQL came back")[0]
            time.sleep(1.0)
            settled = [code for at, code in load.codes if at > back + 0.3]
        print(f"recovered {back - up:.2f}s after PostgreSQL was back; answers while away: "
              f"{sorted(set(load.since(down)) - {200})}")
        assert 500 not in [code for _, code in load.codes], "a 500 answer"
        assert 0 not in load.since(down), "a request got no answer (a hang past 15 s, or a dropped connection)"
        assert settled and set(settled) == {200}, settled
        assert "Traceback" not in server.output(), [line for line in server.output().splitlines()
                                                    if not line.startswith(" ")][:40]
    db = Database(url, pool_size=2)
    try:
        async with db.read() as s:
            found = set(await s.scalars(select(Status.id).where(Status.id.in_(load.posted))))
        assert found == set(load.posted)
    finally:
        await db.dispose()
