"""The job that takes a post addressed to an organisation into its desk inbox.

`statuses.create_status` enqueues it by name (statuses may not import the desk) for a post that
mentions an organisation account, direct messages included.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.desk.inbox import receive_post
from madang.jobs import handler
from madang.models import Status

INTAKE_JOB = "desk.intake"


@handler(INTAKE_JOB)
async def take_in(session: AsyncSession, payload: dict) -> None:
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None or status.reblog_of_id is not None:
        return
    await receive_post(session, status=status)
