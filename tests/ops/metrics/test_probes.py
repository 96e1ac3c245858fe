"""/health, /ready and /metrics of a real `madang serve` on SQLite with metrics on: what /ready says when
the schema is behind, a job is stuck or the queue waits too long; how cheap the probes are; the token;
route templates as labels; and a real Prometheus server (Debian's) scraping it."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from madang.db import Database
from madang.ops.health import code_heads
from tests.accounts.factories import make_account
from tests.support.pgserver import free_port
from tests.support.serve_process import Served, madang_serve

TOKEN = "metrics-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEAD = max(code_heads())


@pytest.fixture(scope="module")
def served(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    folder = tmp_path_factory.mktemp("probes")
    behind = folder / "behind.sqlite3"
    shutil.copyfile(sqlite_template, behind)
    asyncio.run(_citizen(f"sqlite+aiosqlite:///{behind}"))
    conn = sqlite3.connect(behind)
    try:  # the schema says one migration behind the code; all in the main file, which madang_serve copies
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = '0043'")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    with madang_serve(behind, folder / "serve", MADANG_METRICS=f"token:{TOKEN}", MADANG_READY_JOB_DELAY_SECONDS="60") as s:
        yield s, folder / "serve" / "serve.sqlite3"


async def _citizen(url: str) -> None:
    db = Database(url)
    try:
        async with db.write() as s:
            await make_account(s, username="citizen_one")
    finally:
        await db.dispose()


def _sql(database: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(database, timeout=10)
    try:
        with conn:
            conn.execute(statement, params)
    finally:
        conn.close()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _job(database: Path, job_id: int, **columns: object) -> None:
    now = datetime.now(UTC)
    row = {"id": job_id, "name": "tests.stuck", "payload": "{}", "state": "pending", "attempts": 0, "max_attempts": 8,
           "run_at": _stamp(now), "created_at": _stamp(now), **columns}
    _sql(database, f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", *row.values())


def test_ready_says_what_is_wrong(served: tuple[Served, Path]) -> None:
    server, database = served
    with httpx.Client(base_url=server.base, timeout=10) as http:
        answer = http.get("/ready")
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "fail" and body["checks"]["database"]["ok"] is True
        assert body["checks"]["migrations"] == {**body["checks"]["migrations"], "ok": False, "database": "0043", "code": HEAD}
        assert "madang migrate" in body["checks"]["migrations"]["error"]
        assert http.get("/health").text == "OK"  # alive all the same

        _sql(database, "UPDATE alembic_version SET version_num = ?", HEAD)
        answer = http.get("/ready")
        assert answer.status_code == 200, answer.text
        assert answer.json()["checks"]["jobs"] == {**answer.json()["checks"]["jobs"], "ok": True, "running_past_lease": 0}

        # A job "running" since an hour ago: its worker died and nobody claims it again.
        _job(database, 1, state="running", attempts=1, locked_by="gone:1", run_at=_stamp(datetime.now(UTC) - timedelta(hours=1)),
             locked_at=_stamp(datetime.now(UTC) - timedelta(hours=1)))
        answer = http.get("/ready")
        assert answer.status_code == 503
        jobs = answer.json()["checks"]["jobs"]
        assert jobs["running_past_lease"] == 1 and "still running" in jobs["error"]
        _sql(database, "DELETE FROM jobs WHERE id = 1")
        assert http.get("/ready").status_code == 200

        # A due job waiting ten minutes (more than MADANG_READY_JOB_DELAY_SECONDS=60): no worker runs them.
        _job(database, 2, run_at=_stamp(datetime.now(UTC) - timedelta(minutes=10)))
        answer = http.get("/ready")
        assert answer.status_code == 503
        jobs = answer.json()["checks"]["jobs"]
        assert 590 < jobs["oldest_due_seconds"] < 700 and "is a worker running?" in jobs["error"]
        _job(database, 3, run_at=_stamp(datetime.now(UTC) + timedelta(hours=1)))  # scheduled later: not late
        _sql(database, "DELETE FROM jobs WHERE id = 2")
        assert http.get("/ready").status_code == 200


def test_probes_are_cheap(served: tuple[Served, Path]) -> None:
    server, _ = served
    with httpx.Client(base_url=server.base, timeout=10) as http:
        http.get("/ready")
        took: dict[str, list[float]] = {"/health": [], "/ready": []}
        inside: list[float] = []
        for _ in range(30):
            for path in took:
                started = time.perf_counter()
                answer = http.get(path)
                took[path].append((time.perf_counter() - started) * 1000)
                if path == "/ready":
                    inside.append(sum(check["ms"] for check in answer.json()["checks"].values()))
    medians = {path: statistics.median(values) for path, values in took.items()}
    print(f"median round trip: {medians}; median time in /ready's checks {statistics.median(inside):.2f} ms")
    # A few ms on a quiet machine; bounds with room for a loaded 2-core one.
    assert medians["/health"] < 50 and medians["/ready"] < 50 and statistics.median(inside) < 20


def test_metrics_need_the_token(served: tuple[Served, Path]) -> None:
    server, _ = served
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}):
        answer = httpx.get(f"{server.base}/metrics", headers=headers, timeout=10)
        assert answer.status_code == 401 and "madang_" not in answer.text
        assert answer.headers["www-authenticate"].startswith("Bearer")
    answer = httpx.get(f"{server.base}/metrics", headers=AUTH, timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")


def test_labels_are_route_templates(served: tuple[Served, Path]) -> None:
    server, _ = served
    with httpx.Client(base_url=server.base, timeout=10) as http:
        for path in ("/api/v1/accounts/117745584981987336", "/api/v1/statuses/98765432123/context", "/@someone_here",
                     "/no/such/page/4242", "/api/v1/instance"):
            http.get(path)
        # An actor asked for at its profile's address: activitypub's negotiation routes a copy of the request.
        actor = http.get("/@citizen_one", headers={"Accept": "application/activity+json"})
        assert actor.status_code == 200 and actor.json()["type"] == "Person"
        text = http.get("/metrics", headers=AUTH).text
    labels = set(re.findall(r'route="([^"]*)"', text))
    assert {"/api/v1/accounts/{account_id}", "/api/v1/instance", "unmatched"} <= labels
    assert any(label.startswith("/api/v1/statuses/{") and label.endswith("}/context") for label in labels)
    assert any(label.startswith("/@{") for label in labels)
    assert re.search(r'madang_http_requests_total\{method="GET",route="/@\{username\}",status="2xx"\} 1.0', text)
    for raw in ("117745584981987336", "98765432123", "someone_here", "4242", "citizen_one"):
        assert raw not in text  # no id, username or scanner's path becomes a label
    assert re.search(r'madang_http_requests_total\{method="GET",route="/api/v1/instance",status="2xx"\} [1-9]', text)
    assert 'madang_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/instance"}' in text
    for name in ("madang_db_unit_seconds_count{kind=\"read\"}", "madang_db_lock_wait_seconds_count", "madang_streams_open",
                 "process_resident_memory_bytes", "madang_database_scrape_ok 1.0"):
        assert name in text
    assert re.search(r'madang_jobs_queued\{kind="tests.stuck"\}', text) is None  # only due jobs count


def _prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        pytest.fail("Debian's prometheus is not installed (make system-deps)")
    return found


def test_a_prometheus_server_scrapes_it(served: tuple[Served, Path]) -> None:
    server, _ = served
    for _ in range(3):
        httpx.get(f"{server.base}/api/v1/instance", timeout=10).raise_for_status()
    with tempfile.TemporaryDirectory(prefix="madang-prometheus-") as folder:
        token_file = Path(folder) / "token"
        token_file.write_text(TOKEN)
        os.chmod(token_file, 0o600)
        target = server.base.removeprefix("http://")
        (Path(folder) / "prometheus.yml").write_text(
            "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
            "scrape_configs:\n"
            "  - job_name: madang\n"
            "    metrics_path: /metrics\n"
            f"    authorization: {{type: Bearer, credentials_file: {token_file}}}\n"
            f"    static_configs: [{{targets: ['{target}']}}]\n")
        port = free_port()
        log = open(Path(folder) / "prometheus.log", "wb")
        process = subprocess.Popen([_prometheus_binary(), f"--config.file={folder}/prometheus.yml",
                                    f"--storage.tsdb.path={folder}/data", f"--web.listen-address=127.0.0.1:{port}"],
                                   stdout=log, stderr=subprocess.STDOUT, cwd=folder)
        try:
            query = 'madang_http_requests_total{route="/api/v1/instance",method="GET",status="2xx"}'
            deadline = time.monotonic() + 60
            value = None
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    result = httpx.get(f"http://127.0.0.1:{port}/api/v1/query", params={"query": query}, timeout=5).json()
                    series = result["data"]["result"]
                    if series:
                        value = float(series[0]["value"][1])
                        break
                except (httpx.HTTPError, ValueError, KeyError):
                    pass
                time.sleep(0.5)
            assert value is not None, (Path(folder) / "prometheus.log").read_text()[-3000:]
            assert value >= 3
            up = httpx.get(f"http://127.0.0.1:{port}/api/v1/query", params={"query": 'up{job="madang"}'}, timeout=5).json()
            assert up["data"]["result"][0]["value"][1] == "1"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            log.close()
