"""`madang worker` as a separate process: the shape for deployments that run the web
processes with MADANG_EMBEDDED_WORKER=false."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlalchemy import select

from madang.db import Database
from madang.models import Job
from tests.factories import follow, home_ids, make_account, make_status


async def test_a_worker_process_runs_what_the_web_process_queued(db: Database, monkeypatch) -> None:
    # As for a city account with many followers: the post's delivery is a job.
    monkeypatch.setattr("madang.statuses.create.INLINE_FOLLOWERS", -1)
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        citizen = await make_account(s, username="citizen")
        await follow(s, citizen, city)
    async with db.write() as s:
        post = await make_status(s, city, "안양시청 공식 계정입니다 #안양")
    assert await home_ids(db, citizen) == []  # nothing ran it yet

    env = dict(os.environ, MADANG_DATABASE_URL=db.url, MADANG_WORKER_POLL_SECONDS="0.2")
    worker = subprocess.Popen([sys.executable, "-m", "madang.cli", "worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while await home_ids(db, citizen) != [post.id]:
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
            assert time.time() < deadline, "the worker process did not fan the post out"
            time.sleep(0.1)
        async with db.read() as s:
            states = set(await s.scalars(select(Job.state)))
        assert "failed" not in states
    finally:
        worker.terminate()
        worker.wait(timeout=10)
