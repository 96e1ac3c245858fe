"""Claiming due jobs: the one place where the queue's SQL differs by dialect.

On PostgreSQL several workers (in several processes) poll one table, so candidates are
locked with ``FOR UPDATE SKIP LOCKED``: each worker takes rows no one else holds, without
waiting. On SQLite the writer connection's ``BEGIN IMMEDIATE`` already serialises claims,
and SQLite has no row locks to ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from madang.models.jobs import Job

# How long a claim holds before another worker may take the job again (its worker died or hangs).
LEASE_SECONDS = 300.0


@dataclass(frozen=True)
class Claim:
    """A job this worker holds; plain data, so it outlives the claiming session."""

    id: int
    name: str
    payload: dict
    attempts: int  # counting this run
    max_attempts: int
    locked_by: str
    locked_at: datetime
    request_id: str | None = None  # of the request that enqueued it, for the logs


def held(claim: Claim) -> ColumnElement[bool]:
    """Still ours: running under our lease. A lease that expired and was re-claimed by
    another worker has a new locked_at, so a slow worker cannot finish someone else's run."""
    return and_(
        Job.id == claim.id,
        Job.state == "running",
        Job.locked_by == claim.locked_by,
        Job.locked_at == claim.locked_at,
    )


def _claimable(now: datetime, lease_seconds: float) -> ColumnElement[bool]:
    # A running job whose lease ran out belongs to a worker that died or hung after
    # claiming it: claiming it again is what makes a crash lose nothing.
    return or_(
        and_(Job.state == "pending", Job.run_at <= now),
        and_(Job.state == "running", Job.locked_at < now - timedelta(seconds=lease_seconds)),
    )


async def claim_due(
    session: AsyncSession, *, worker: str, batch: int, lease_seconds: float, now: datetime,
    name: str | None = None,
) -> tuple[list[Claim], int]:
    """Mark up to ``batch`` due jobs running for ``worker``; returns the claims and how
    many abandoned jobs were failed instead because they had used up their attempts.
    ``name``: only jobs of that name (more of a backlog for a batch handler)."""
    query = (
        select(Job.id, Job.name, Job.payload, Job.state, Job.attempts, Job.max_attempts, Job.request_id)
        .where(_claimable(now, lease_seconds))
        .order_by(Job.run_at, Job.id)
        .limit(batch)
    )
    if name is not None:
        query = query.where(Job.name == name)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()

    # Attempts count runs started, not failures seen, so a job that kills its worker
    # every time still runs out of attempts instead of being re-claimed forever.
    spent = [row for row in rows if row.attempts >= row.max_attempts]
    runnable = [row for row in rows if row.attempts < row.max_attempts]
    if spent:
        await session.execute(
            update(Job)
            .where(Job.id.in_([row.id for row in spent]), _claimable(now, lease_seconds))
            .values(
                state="failed",
                finished_at=now,
                last_error=f"the worker running the last attempt stopped without finishing "
                f"it (lease of {lease_seconds:g}s expired)",
            )
            .execution_options(synchronize_session=False)
        )
    taken: set[int] = set()
    if runnable:
        # Re-checking claimability and reading back what changed keeps a claim correct
        # even if the SELECT took no lock (another worker got there first).
        result = await session.execute(
            update(Job)
            .where(Job.id.in_([row.id for row in runnable]), _claimable(now, lease_seconds))
            .values(state="running", attempts=Job.attempts + 1, locked_at=now, locked_by=worker)
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        taken = set(result.scalars())
    claims = [
        Claim(row.id, row.name, row.payload or {}, row.attempts + 1, row.max_attempts, worker, now, row.request_id)
        for row in runnable
        if row.id in taken
    ]
    return claims, len(spent)
