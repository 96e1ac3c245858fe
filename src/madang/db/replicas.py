"""Reads sent to a PostgreSQL streaming replica, with read-your-writes (decision 0065).

A use case that may read slightly old rows says so once, with ``@replica_read``; routes do not
choose. A read unit (``Database.read()``) on PostgreSQL with ``MADANG_DATABASE_REPLICA_URL`` set
carries this module's router in ``session.info``; the first ``@replica_read`` call of the unit,
made before the unit has run any statement, binds the unit to the replica when

- the replica is answering and has replayed everything the primary had committed no more than
  ``max_lag`` seconds ago, and
- the account making the request (``acting_account``, set where the surfaces authenticate) has
  not written since the newest moment the replica is known to have caught up with.

How "caught up" is known: a poller in each process reads, every ``POLL_SECONDS``, the time, then
the primary's ``pg_current_wal_lsn()``, then the replica's ``pg_last_wal_replay_lsn()``. A
write committed before a poll's time has a commit record at or before that poll's LSN, so once
the replica's replay position passes that LSN, the write is visible there. Writes are remembered
as (account, commit time) after each committed write unit: in this process, and in Redis when
``MADANG_REDIS_URL`` is set (so another web process knows too). A writer thus reads from the
primary for about one poll interval plus the replication delay after a write, and from the
replica again afterwards.

Anything else (undecorated reads, a unit that already ran a statement, SQLite, no replica) stays
on the primary, unchanged. A replica that does not answer within ``CONNECT_SECONDS``, or lags
more than ``max_lag``, sends every read to the primary until it is back; the changes are logged
once each, without account ids or addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from madang.db.inline import InlineSession

log = logging.getLogger("madang.db.replicas")

# session.info key of a read unit that may still be sent to the replica.
ROUTER = "db.replica_router"
POLL_SECONDS = 0.2
# Bounds on waiting for the replica: a poll, or a read unit's first connection to it.
CONNECT_SECONDS = 1.0
REDIS_SECONDS = 0.5
REDIS_PREFIX = "madang:replica:wrote:"
ASYNC_COMMIT_MARGIN = 1.0  # seconds a writer keeps reading the primary beyond the poll that saw its write

P = ParamSpec("P")
T = TypeVar("T")

# The local account whose request this task serves (None: anonymous, or a job).
acting_account: ContextVar[int | None] = ContextVar("madang_acting_account", default=None)


def act_as(account_id: int | None) -> None:
    """Called where a surface learns who is signed in: this request's writes are remembered under
    ``account_id`` and its reads honour them (read-your-writes)."""
    acting_account.set(account_id)


def replica_read(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Marks a read use case (``fn(session, ...)``) whose rows may come from a streaming replica."""

    @functools.wraps(fn)
    async def routed(*args: P.args, **kwargs: P.kwargs) -> T:
        session = args[0] if args else kwargs.get("session")
        # SQLite (InlineSession) has no replica; asking its .info would make an ORM Session that
        # a read unit of prebuilt statements never needs (decision 0069).
        router = (session.info.get(ROUTER)  # type: ignore[union-attr]
                  if session is not None and not isinstance(session, InlineSession) else None)
        if router is not None:
            await router.route(session)
        return await fn(*args, **kwargs)

    routed.replica_read = True  # type: ignore[attr-defined]
    return routed


def _lsn(value: str) -> int:
    high, _, low = value.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


class ReplicaRouter:
    """One per Database: the replica's state in this process and the recent writers."""

    def __init__(self, *, primary: AsyncEngine, replica: AsyncEngine, max_lag: float,
                 redis_url: str | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        self.primary = primary
        self.replica = replica
        self.max_lag = max_lag
        self.poll_seconds = poll_seconds
        # Wall-clock time (shared by the processes of one machine) up to which the replica is
        # known to hold every commit; 0: not known yet.
        self.caught_up_to = 0.0
        self.state = "starting"  # "ok", "lagging", "down"
        self._pending: deque[tuple[float, int]] = deque()  # (poll time, primary LSN) not yet replayed
        self._written: dict[int, float] = {}  # account id -> commit time, this process's writes
        self._redis_url = redis_url
        self._redis: Any = None
        self._redis_trouble_until = 0.0
        self._poller: asyncio.Task[None] | None = None
        self.reads = {"replica": 0, "primary": 0}  # counted for tests and benchmarks

    # -- reads -------------------------------------------------------------------------------

    async def route(self, session: AsyncSession) -> None:
        """Bind ``session`` (a read unit that has run nothing yet) to the replica if it may read
        there; leave it on the primary otherwise. Decided once per unit."""
        session.info.pop(ROUTER, None)
        if self._poller is None:
            self.start()
        if session.in_transaction() or not await self._replica_fits(acting_account.get()):
            self.reads["primary"] += 1
            return
        sync = session.sync_session
        primary_bind = sync.bind
        sync.bind = self.replica.sync_engine
        try:
            await asyncio.wait_for(session.connection(), CONNECT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - any failure: the primary answers instead
            self._down(exc)
            with contextlib.suppress(Exception):
                await session.rollback()
            sync.bind = primary_bind
            self.reads["primary"] += 1
            return
        self.reads["replica"] += 1

    async def _replica_fits(self, account_id: int | None) -> bool:
        if self.state != "ok":
            return False
        now = time.time()
        if now - self.caught_up_to > self.max_lag:
            self._set_state("lagging", f"the replica is more than {self.max_lag:g} s behind the primary")
            return False
        if account_id is None:
            return True
        wrote = self._written.get(account_id)
        if wrote is None and self._redis_url is not None:
            wrote = await self._shared_write_time(account_id)
        # The margin: with synchronous_commit=off a commit returns before its WAL is written, so a
        # poll just after it can read a write position that does not hold it yet; the WAL writer
        # writes it within 3 x wal_writer_delay (0.6 s by default).
        return wrote is None or wrote + ASYNC_COMMIT_MARGIN < self.caught_up_to

    async def _shared_write_time(self, account_id: int) -> float | None:
        if time.monotonic() < self._redis_trouble_until:
            return time.time()  # Redis unreachable: assume a recent write, read from the primary
        try:
            value = await asyncio.wait_for(self._client().get(f"{REDIS_PREFIX}{account_id}"), REDIS_SECONDS)
        except Exception as exc:  # noqa: BLE001
            self._redis_failed(exc)
            return time.time()
        return float(value) if value is not None else None

    # -- writes ------------------------------------------------------------------------------

    async def wrote(self, account_id: int) -> None:
        """After a committed write unit of ``account_id``'s request."""
        now = time.time()
        self._written[account_id] = now
        if len(self._written) > 10_000:
            self._forget_old(now)
        if self._redis_url is None or time.monotonic() < self._redis_trouble_until:
            return
        ttl_ms = int((self.max_lag + 5) * 1000)
        try:
            await asyncio.wait_for(self._client().set(f"{REDIS_PREFIX}{account_id}", repr(now), px=ttl_ms),
                                   REDIS_SECONDS)
        except Exception as exc:  # noqa: BLE001 - the write is committed; other processes may read stale
            self._redis_failed(exc)

    def _forget_old(self, now: float) -> None:
        # A write older than max_lag no longer matters: the replica has it, or nobody reads there.
        horizon = now - self.max_lag - 1
        self._written = {a: t for a, t in self._written.items() if t > horizon}

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as redis  # only with a replica and Redis both configured

            self._redis = redis.Redis.from_url(self._redis_url, socket_timeout=REDIS_SECONDS,
                                               socket_connect_timeout=REDIS_SECONDS)
        return self._redis

    def _redis_failed(self, exc: BaseException) -> None:
        if time.monotonic() >= self._redis_trouble_until:
            log.warning("replica routing: Redis did not answer (%s); signed-in readers use the primary for 5 s",
                        type(exc).__name__)
        self._redis_trouble_until = time.monotonic() + 5

    # -- the poller --------------------------------------------------------------------------

    def start(self) -> None:
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self._poll_forever())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
            self._poller = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.aclose()
            self._redis = None

    async def _poll_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.poll(), CONNECT_SECONDS * 2)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the replica (or primary) away: keep polling
                self._down(exc)
            await asyncio.sleep(self.poll_seconds)

    async def poll(self) -> None:
        """One look at both servers (see the module's docstring)."""
        at = time.time()
        async with self.primary.connect() as conn:
            primary_lsn = _lsn(await conn.scalar(text("SELECT pg_current_wal_lsn()::text")))
        self._pending.append((at, primary_lsn))
        async with self.replica.connect() as conn:
            # A server that is not in recovery (a promoted standby) holds all it has written.
            position = await conn.scalar(text(
                "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text "
                "ELSE pg_current_wal_lsn()::text END"))
        replayed = _lsn(position) if position is not None else -1
        while self._pending and self._pending[0][1] <= replayed:
            self.caught_up_to = max(self.caught_up_to, self._pending.popleft()[0])
        horizon = time.time() - self.max_lag * 2
        while len(self._pending) > 1 and self._pending[0][0] < horizon:
            self._pending.popleft()  # far behind anyway; keeps the queue short while replay is stopped
        if time.time() - self.caught_up_to > self.max_lag:
            self._set_state("lagging", f"the replica is more than {self.max_lag:g} s behind the primary")
        else:
            self._set_state("ok", "the replica is answering and caught up")

    def _down(self, exc: BaseException) -> None:
        self._set_state("down", f"the replica did not answer ({type(exc).__name__})")

    def _set_state(self, state: str, why: str) -> None:
        if state == self.state:
            return
        previous, self.state = self.state, state
        if state == "ok":
            if previous != "starting":
                log.info("replica routing: %s; reads go to it again", why)
        else:
            log.warning("replica routing: %s; reads go to the primary", why)
