"""`madang serve --workers 2` with metrics on: the two processes' counts are added up whichever answers
the scrape (prometheus_client's multiprocess mode), a job that fails in a worker is counted, an open
live stream is counted while it is open, and each process's memory is reported."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.support.pgserver import free_port

TOKEN = "multiprocess-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def two_processes(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("multiprocess")
    database = folder / "serve.sqlite3"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "MADANG_HOST": "127.0.0.1",
           "MADANG_PORT": str(port), "MADANG_MEDIA_PATH": str(folder / "media"), "MADANG_SECRET_KEY": "multiprocess-key-0123456789abcdef",
           "MADANG_METRICS": f"token:{TOKEN}", "MADANG_WORKER_POLL_SECONDS": "0.2", "MADANG_ACCESS_LOG": "false",
           "MADANG_RATE_LIMIT_PER_5MIN": "100000"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    base = f"http://127.0.0.1:{port}"
    with open(folder / "output.log", "wb") as out:
        process = subprocess.Popen([str(Path(sys.executable).with_name("madang")), "serve", "--workers", "2"], env=env,
                                   stdout=out, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:  # both processes up: two pids marked live in the metrics folder
                try:
                    text = httpx.get(f"{base}/metrics", headers=AUTH, timeout=2).text
                    if len(re.findall(r"^madang_process_up\{", text, re.M)) == 2:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "output.log").read_text()[-3000:])
                time.sleep(0.3)
            yield base, database
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # our own process group: uvicorn and its two workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_counts_of_both_processes_add_up(two_processes: tuple[str, Path]) -> None:
    base, _ = two_processes
    series = 'madang_http_requests_total{method="GET",route="/api/v1/instance",status="2xx"}'
    before = _value(httpx.get(f"{base}/metrics", headers=AUTH, timeout=10).text, series)
    # A new connection each: the kernel spreads them over both processes.
    with httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0)) as http:
        for _ in range(40):
            http.get(f"{base}/api/v1/instance").raise_for_status()
    text = httpx.get(f"{base}/metrics", headers=AUTH, timeout=10).text
    assert _value(text, series) - before == 40
    pids = re.findall(r'^madang_process_resident_memory_bytes\{pid="(\d+)"\} (\S+)$', text, re.M)
    assert len(pids) == 2 and all(float(rss) > 10e6 for _, rss in pids)


def test_a_failed_job_is_counted_by_name(two_processes: tuple[str, Path]) -> None:
    base, database = two_processes
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(database, timeout=10) as conn:  # a job no worker has a handler for: it fails for good
        conn.execute("INSERT INTO jobs (id, name, payload, state, attempts, max_attempts, run_at, created_at) "
                     "VALUES (77, 'tests.no_such_job', '{}', 'pending', 0, 8, ?, ?)", (now, now))
    series = 'madang_job_failures_total{final="true",kind="tests.no_such_job"}'
    deadline = time.monotonic() + 30
    while _value(httpx.get(f"{base}/metrics", headers=AUTH, timeout=10).text, series) != 1:
        assert time.monotonic() < deadline, "the failed job was not counted"
        time.sleep(0.3)


def test_open_streams_are_counted(two_processes: tuple[str, Path]) -> None:
    base, _ = two_processes
    with httpx.Client(timeout=10) as http, http.stream("GET", f"{base}/api/v1/streaming/public") as stream:
        assert stream.status_code == 200
        deadline = time.monotonic() + 10
        while _value(httpx.get(f"{base}/metrics", headers=AUTH, timeout=10).text, "madang_streams_open") != 1:
            assert time.monotonic() < deadline, "the open stream was not counted"
            time.sleep(0.2)
    deadline = time.monotonic() + 10
    while _value(httpx.get(f"{base}/metrics", headers=AUTH, timeout=10).text, "madang_streams_open") != 0:
        assert time.monotonic() < deadline, "the closed stream was still counted"
        time.sleep(0.2)
