"""Looking after the queue: listing jobs, retrying failed ones, pruning finished ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db.database import Database, after_commit
from madang.jobs.claims import LEASE_SECONDS
from madang.jobs.wakeups import wake_workers
from madang.models.jobs import JOB_STATES, Job

PRUNE_BATCH = 1000  # short write transactions: SQLite has one writer for everything


async def list_jobs(
    db: Database, *, states: Sequence[str] = ("pending", "running", "failed"), limit: int = 100
) -> list[Job]:
    """Jobs in the given states, newest first."""
    unknown = set(states) - set(JOB_STATES)
    if unknown:
        raise Invalid(f"unknown job states: {', '.join(sorted(unknown))}", field="states")
    async with db.read() as session:
        result = await session.scalars(
            select(Job).where(Job.state.in_(list(states))).order_by(Job.id.desc()).limit(limit)
        )
        jobs = list(result)
        # read() ends with a rollback, which would expire (and so empty) loaded objects.
        session.expunge_all()
        return jobs


@dataclass(frozen=True)
class Troubles:
    """Jobs an operator should look at (issue 16): ``stuck`` ones run past their lease (their
    worker died or hangs; another worker takes them again, and they are failed once out of
    attempts), ``failing`` ones failed at least once and wait for a retry, ``failed`` ones are
    out of attempts and wait for a person (``madang jobs --retry ID``). Ids, oldest first."""

    stuck: list[int]
    failing: list[int]
    failed: list[int]


async def find_troubles(db: Database, *, now: datetime | None = None, lease_seconds: float = LEASE_SECONDS,
                        limit: int = 100) -> Troubles:
    now = now or utcnow()
    async with db.read() as session:
        async def ids(*where) -> list[int]:  # type: ignore[no-untyped-def]
            return list(await session.scalars(select(Job.id).where(*where).order_by(Job.id).limit(limit)))

        return Troubles(
            stuck=await ids(Job.state == "running", Job.locked_at < now - timedelta(seconds=lease_seconds)),
            failing=await ids(Job.state == "pending", Job.attempts > 0),
            failed=await ids(Job.state == "failed"),
        )


def trouble_note(job: Job, troubles: Troubles) -> str:
    """What ``madang jobs`` says of a job beside its state."""
    if job.id in troubles.stuck:
        return f"stuck: running past its {LEASE_SECONDS:g} s lease (worker {job.locked_by} died or hangs)"
    if job.id in troubles.failing:
        return f"failing: {job.attempts} of {job.max_attempts} attempts failed, retries later"
    if job.id in troubles.failed:
        return "failed: out of attempts, retry with --retry ID once fixed"
    return ""


async def retry_job(db: Database, job_id: int) -> Job:
    """Give a failed job a fresh set of attempts, due now. Its last error is kept."""
    async with db.write() as session:
        job = await session.get(Job, job_id, with_for_update=True)
        if job is None:
            raise NotFound(f"no job {job_id}")
        if job.state != "failed":
            raise Conflict(f"job {job_id} is {job.state}, only a failed job can be retried")
        job.state = "pending"
        job.attempts = 0
        job.run_at = utcnow()
        job.finished_at = None
        job.locked_at = None
        job.locked_by = None
        await session.flush()
        after_commit(session, wake_workers)
    return job


async def prune_done(db: Database, older_than: timedelta) -> int:
    """Delete done jobs finished more than ``older_than`` ago; failed jobs stay until a
    person looks at them. Returns how many were deleted."""
    cutoff = utcnow() - older_than
    total = 0
    while True:
        async with db.write() as session:
            ids = select(Job.id).where(Job.state == "done", Job.finished_at < cutoff).limit(PRUNE_BATCH)
            result = await session.execute(
                delete(Job).where(Job.id.in_(ids)).execution_options(synchronize_session=False)
            )
        total += result.rowcount
        if result.rowcount < PRUNE_BATCH:
            return total
