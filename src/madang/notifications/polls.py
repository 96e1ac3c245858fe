"""The end of a poll: its voters and its author hear of it (Mastodon's `poll` notification)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.jobs import handler
from madang.models import Status
from madang.models.polls import Poll
from madang.notifications.create import notify
from madang.statuses.polls import POLL_ENDED_JOB, list_voter_ids


@handler(POLL_ENDED_JOB)
async def poll_ended(session: AsyncSession, payload: dict) -> None:
    """Queued for the poll's end when it is written. Idempotent: a notification names the
    poll, so running again writes nothing; a job for an end an edit moved later does nothing."""
    poll = await session.get(Poll, int(payload["poll_id"]))
    if poll is None or poll.expires_at > utcnow():
        return
    status = await session.get(Status, poll.status_id)
    if status is None or status.deleted_at is not None:
        return
    for voter_id in await list_voter_ids(session, poll.id):
        await notify(session, recipient_id=voter_id, sender_id=poll.account_id, type="poll", activity_id=poll.id,
                     status_id=status.id)
    await notify(session, recipient_id=poll.account_id, sender_id=poll.account_id, type="poll", activity_id=poll.id,
                 status_id=status.id, to_self=True)
