"""The worker: claims due jobs and runs each in a unit of work (unit-free ones open their own)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
import traceback

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core import metrics
from madang.core.clock import utcnow
from madang.core.request_context import request_id_set
from madang.db.database import Database
from madang.db.faults import unavailable
from madang.jobs.claims import LEASE_SECONDS, Claim, claim_due, held
from madang.jobs.failures import backoff, error_text
from madang.jobs.registry import NAME_LENGTH, Registration, find_registration, registered_names
from madang.jobs.wakeups import Waker
from madang.models.jobs import Job

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Our lease expired and another worker re-claimed the job while we ran it."""


def default_worker_name() -> str:
    # Unique per Worker object, so two workers in one process never share a lease.
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-NAME_LENGTH:]


class Worker:
    def __init__(
        self,
        db: Database,
        *,
        name: str | None = None,
        batch: int = 20,
        poll_seconds: float = 1.0,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.db = db
        self.name = (name or default_worker_name())[:NAME_LENGTH]
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds

    async def run_once(self) -> int:
        """Claim due jobs and run them one by one; returns how many were handled (ran,
        successfully or not, or were failed for good after their worker died)."""
        async with self.db.write() as session:
            now = utcnow()
            claims, spent = await claim_due(
                session, worker=self.name, batch=self.batch,
                lease_seconds=self.lease_seconds, now=now,
            )
            backlog = _backlog(claims, self.batch)
            if backlog is not None:  # a batch handler's backlog: more of it for one call (decision 0041)
                more, more_spent = await claim_due(
                    session, worker=self.name, batch=backlog.batch_size - len(claims),
                    lease_seconds=self.lease_seconds, now=now, name=backlog.name,
                )
                claims, spent = claims + more, spent + more_spent
        waiting = list(claims)
        try:
            while waiting:
                registration = find_registration(waiting[0].name)
                if registration is not None and registration.batch is not None:
                    # The consecutive claims of that name, in claim order (decision 0041).
                    run = 1
                    while run < len(waiting) and waiting[run].name == waiting[0].name:
                        run += 1
                    await self._run_batch(registration, waiting[:run])
                    del waiting[:run]
                else:
                    await self._run(waiting[0])
                    waiting.pop(0)
                # Jobs queued behind slow ones would outlive their lease and be run again
                # by another worker: give them back instead.
                if waiting and self._lease_half_gone(waiting[0]):
                    break
        finally:
            if waiting:  # cancelled, or handing back: do not leave them locked for a lease
                await asyncio.shield(self._release(waiting))
        return len(claims) - len(waiting) + spent

    async def run_until_idle(self, timeout: float = 30.0) -> int:
        """Run until no job is due; for tests and the CLI. Raises TimeoutError when jobs
        keep coming for longer than ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        total = 0
        while ran := await self.run_once():
            total += ran
            if loop.time() > deadline:
                raise TimeoutError(f"jobs still due after {timeout}s ({total} ran)")
        return total

    async def run_forever(self) -> None:
        """Run jobs as they come; stops (raising CancelledError) when cancelled."""
        waker = Waker()
        log.info("job worker %s started; handlers: %s", self.name, ", ".join(registered_names()))
        away: str | None = None  # why the database cannot be used, while it cannot
        try:
            while True:
                # Cleared before looking, so a commit while we look is not missed.
                waker.clear()
                try:
                    ran = await self.run_once()
                    if away is not None:
                        log.warning("job worker %s: the database is back (%s no more)", self.name, away)
                        away = None
                except Exception as exc:
                    # A database hiccup must not end the worker; try again after a poll. A database
                    # that is away or a full disk is said once, not with a traceback every poll.
                    reason = unavailable(exc)
                    if reason is None:
                        log.exception("job worker %s could not claim or record jobs", self.name)
                    elif away is None:
                        log.warning("job worker %s: %s; jobs wait until it passes", self.name, reason)
                    away = reason
                    ran = 0
                if not ran:
                    await waker.wait(self.poll_seconds)
        finally:
            waker.close()

    async def _run(self, claim: Claim) -> None:
        # Every line the job logs (and every job it enqueues) carries the id of the request
        # that enqueued it (docs/ops/logging.md).
        with request_id_set(claim.request_id):
            started = time.perf_counter()
            if await self._run_claim(claim):
                log.info("job %s (%s) done in %.3fs", claim.id, claim.name, time.perf_counter() - started,
                         extra={"job_id": str(claim.id), "job": claim.name})

    async def _run_claim(self, claim: Claim) -> bool:
        """Run one claim; True when it succeeded."""
        registration = find_registration(claim.name)
        if registration is None:
            known = ", ".join(registered_names()) or "none"
            await self._fail(
                claim, f"no handler is registered for job {claim.name!r} in worker "
                f"{self.name} (registered: {known})", final=True,
            )
            return False
        try:
            if registration.unit:
                async with self.db.write() as session:
                    await registration.fn(session, claim.payload)  # type: ignore[arg-type]
                    await _mark_done(session, claim)
            else:
                # The claim has committed and no unit is open: the handler may wait on the
                # network without holding the write lock, and records in units of its own.
                await registration.fn(self.db, claim.payload)
                async with self.db.write() as session:
                    await _mark_done(session, claim)
            return True
        except LeaseLost:
            log.warning("job %s (%s) was re-claimed by another worker; its run here was rolled back"
                        "%s", claim.id, claim.name, "" if registration.unit else
                        " (a unit-free handler's own writes stay; the other run repeats them)")
        except Exception:
            await self._fail(claim, traceback.format_exc(), max_attempts=registration.max_attempts)
        return False

    async def _run_batch(self, registration: Registration, claims: list[Claim]) -> None:
        """Several jobs through the batch handler; those it reports done are marked in one unit,
        each failure is recorded (and retried) for its own job only."""
        assert registration.batch is not None
        ids = {claim.request_id for claim in claims}
        with request_id_set(ids.pop() if len(ids) == 1 else None):
            await self._run_batch_claims(registration, claims)

    async def _run_batch_claims(self, registration: Registration, claims: list[Claim]) -> None:
        assert registration.batch is not None
        started = time.perf_counter()
        try:
            outcomes = await registration.batch(self.db, [claim.payload for claim in claims])
            if len(outcomes) != len(claims):
                raise RuntimeError(f"batch handler of {registration.name} gave {len(outcomes)} outcomes "
                                   f"for {len(claims)} jobs")
        except Exception:
            log.exception("batch handler of %s failed; its %d jobs run one by one", registration.name, len(claims))
            for claim in claims:
                await self._run(claim)
            return
        done = [claim for claim, outcome in zip(claims, outcomes, strict=True) if outcome is None]
        seconds = time.perf_counter() - started
        for claim in done:  # each with the id of the request that enqueued it
            with request_id_set(claim.request_id):
                log.info("job %s (%s) done in a batch of %d in %.3fs", claim.id, claim.name, len(claims), seconds,
                         extra={"job_id": str(claim.id), "job": claim.name})
        if done:
            try:
                async with self.db.write() as session:
                    await _mark_all_done(session, done)
            except Exception:
                # Not marked: they run again (the handler's effects are idempotent, as for any job).
                log.exception("job worker %s could not mark %d %s jobs done", self.name, len(done), registration.name)
        for claim, outcome in zip(claims, outcomes, strict=True):
            if outcome is not None:
                error = "".join(traceback.format_exception(type(outcome), outcome, outcome.__traceback__))
                with request_id_set(claim.request_id):
                    await self._fail(claim, error, max_attempts=registration.max_attempts)

    async def _fail(self, claim: Claim, error: str, *, max_attempts: int | None = None,
                    final: bool = False) -> None:
        # The handler's own transaction has rolled back; this records the failure apart.
        now = utcnow()
        limit = max_attempts or claim.max_attempts  # the registration wins over the row
        values: dict = {"last_error": error_text(error), "max_attempts": limit}
        summary = error.strip().splitlines()[-1] if error.strip() else "?"
        metrics.job_failed(claim.name, final=final or claim.attempts >= limit)
        if final or claim.attempts >= limit:
            values.update(state="failed", finished_at=now)
            log.error("job %s (%s) failed after %d attempts: %s", claim.id, claim.name, claim.attempts, summary)
        else:
            values.update(state="pending", run_at=now + backoff(claim.attempts), locked_at=None, locked_by=None)
            log.warning("job %s (%s) attempt %d/%d failed, will retry: %s",
                        claim.id, claim.name, claim.attempts, limit, summary)
        async with self.db.write() as session:
            await session.execute(
                update(Job).where(held(claim)).values(**values).execution_options(synchronize_session=False)
            )

    async def _release(self, claims: list[Claim]) -> None:
        """Hand claimed jobs back unrun: pending again, and the attempt not counted."""
        try:
            async with self.db.write() as session:
                for claim in claims:
                    await session.execute(
                        update(Job)
                        .where(held(claim))
                        .values(state="pending", attempts=Job.attempts - 1, locked_at=None, locked_by=None)
                        .execution_options(synchronize_session=False)
                    )
        except Exception as exc:
            if unavailable(exc) is None:
                log.exception("job worker %s could not hand back %d jobs; they run again when "
                              "their lease expires", self.name, len(claims))
            else:
                log.warning("job worker %s could not hand back %d jobs (%s); they run again when "
                            "their lease expires", self.name, len(claims), unavailable(exc))

    def _lease_half_gone(self, claim: Claim) -> bool:
        return (utcnow() - claim.locked_at).total_seconds() > self.lease_seconds / 2


def _backlog(claims: list[Claim], batch: int) -> Registration | None:
    """The registration whose batch handler should get more than one claim's worth: the claim
    was full and every job in it had that name."""
    if not claims or len(claims) < batch or any(c.name != claims[0].name for c in claims):
        return None
    registration = find_registration(claims[0].name)
    if registration is None or registration.batch is None or registration.batch_size <= len(claims):
        return None
    return registration


async def _mark_all_done(session: AsyncSession, claims: list[Claim]) -> None:
    """``_mark_done`` for several claims of one claim (same worker, same lease) in one statement;
    one whose lease was lost meanwhile is left to the worker that holds it now."""
    first = claims[0]
    result = await session.execute(
        update(Job)
        .where(Job.id.in_([c.id for c in claims]), Job.state == "running", Job.locked_by == first.locked_by,
               Job.locked_at == first.locked_at)
        .values(state="done", finished_at=utcnow())
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    lost = {c.id for c in claims} - set(result.scalars())
    for job_id in sorted(lost):
        log.warning("job %s was re-claimed by another worker; its run here stays (unit-free, idempotent)", job_id)


async def _mark_done(session: AsyncSession, claim: Claim) -> None:
    # In the handler's transaction: its writes and the done mark commit together or not
    # at all. locked_by/locked_at stay on a finished job to show who ran it and when.
    result = await session.execute(
        update(Job)
        .where(held(claim))
        .values(state="done", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LeaseLost(claim.id)
