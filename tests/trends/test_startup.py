"""A server with its embedded worker starts the trends refresh chain, once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from madang.db import Database
from madang.models import Job
from madang.trends import REFRESH_JOB
from tests.support.server import running_server


def test_serving_starts_one_trends_chain(database_url: str) -> None:
    for _ in range(2):  # a restart must not start a second chain
        with running_server(database_url):
            pass

    async def refresh_jobs() -> list[str]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                return list(await s.scalars(select(Job.state).where(Job.name == REFRESH_JOB)))
        finally:
            await db.dispose()

    states = asyncio.run(refresh_jobs())
    assert states and states.count("pending") + states.count("running") == 1, states
