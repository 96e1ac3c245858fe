"""Putting work on the queue, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.core.request_context import current_request_id
from madang.db.database import AFTER_COMMIT, after_commit
from madang.jobs.registry import DEFAULT_MAX_ATTEMPTS, NAME_LENGTH, find_registration
from madang.jobs.wakeups import wake_workers
from madang.models.jobs import Job


async def enqueue(
    session: AsyncSession,
    name: str,
    payload: dict | None = None,
    *,
    run_at: datetime | None = None,
    delay: float = 0.0,
) -> Job:
    """Add a job to the caller's transaction: it exists only if that transaction commits,
    so a job never runs for a change that was rolled back. It is written with the
    caller's next flush or commit (jobs of one unit go in one multi-row INSERT).

    ``run_at`` (timezone-aware) defaults to now; ``delay`` seconds are added to it. The
    name need not be registered in this process: the worker that runs it must know it.
    """
    if not name or len(name) > NAME_LENGTH:
        raise Invalid(f"a job name needs 1 to {NAME_LENGTH} characters", field="name")
    if run_at is not None and run_at.tzinfo is None:
        raise Invalid("run_at must be timezone-aware", field="run_at")
    if delay < 0:
        raise Invalid("delay cannot be negative", field="delay")
    now = utcnow()
    when = (run_at or now) + timedelta(seconds=delay)
    registration = find_registration(name)
    job = Job(
        id=new_id(),
        name=name,
        # A copy, so the caller mutating its dict after enqueue cannot change the job.
        payload=dict(payload or {}),
        state="pending",
        attempts=0,
        max_attempts=registration.max_attempts if registration else DEFAULT_MAX_ATTEMPTS,
        run_at=when,
        created_at=now,
        request_id=current_request_id(),  # the logs follow a request into its jobs
    )
    session.add(job)
    # Only a job that is due now is worth a wake-up; later ones are found by polling.
    if when <= now and wake_workers not in session.info.get(AFTER_COMMIT, ()):
        after_commit(session, wake_workers)
    return job
