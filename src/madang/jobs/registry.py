"""Handlers registered by name.

Domain packages register their handlers here; the jobs package never imports a domain
package, so a job can be enqueued by a process that does not even load its handler (the
web process enqueues federation delivery, the worker process runs it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Conflict, Invalid, NotFound

Handler = Callable[[AsyncSession, dict], Awaitable[None]]
# A unit-free handler gets the Database itself (typed loosely so registering one needs
# no import of madang.db) and opens its own short units around its network call.
UnitFreeHandler = Callable[[Any, dict], Awaitable[None]]

# Runs several jobs of one name at once (unit-free, with the Database): one outcome per
# payload, in order, None for done or the exception that job failed with (decision 0041).
BatchHandler = Callable[[Any, list[dict]], Awaitable[list[BaseException | None]]]

DEFAULT_MAX_ATTEMPTS = 8
NAME_LENGTH = 100  # the width of jobs.name


class UnknownJob(NotFound):
    """No handler is registered under this name in this process."""


@dataclass(frozen=True)
class Registration:
    name: str
    fn: Handler | UnitFreeHandler
    max_attempts: int
    unit: bool = True  # False: called with the Database after the claim, in no unit
    batch: BatchHandler | None = None  # several claimed jobs of this name in one call
    batch_size: int = 0  # how many the worker claims for one call when they are waiting


_registry: dict[str, Registration] = {}


def handler(name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, unit: bool = True) -> Callable[[Any], Any]:
    """Register ``async def fn(session, payload)`` as the handler for jobs called ``name``.

    The handler runs inside its own unit of work; its writes commit together with the
    job's done mark, and roll back if it raises (the job is then retried with backoff
    until ``max_attempts`` runs have been started, then marked failed).

    Handlers MUST be idempotent: a job can run more than once (a worker that dies after
    the handler's side effects outside the database, a lease that expires mid-run, an
    operator's retry). Write with upserts or check-then-insert, and make outside effects
    (HTTP deliveries, e-mail) safe to repeat. Keep them short: on SQLite the handler holds
    the single write lock for as long as it runs.

    ``unit=False`` is for handlers that wait on the network (DESIGN.md: no network I/O
    inside a write transaction): the worker calls ``async def fn(db, payload)`` with the
    ``Database`` and no unit open, after the claim has committed. Such a handler opens its
    own short units (read what it needs, do the I/O with none open, record the outcome in
    a write unit); the worker marks the job done in a unit of its own afterwards, or
    retries it with backoff if the handler raised, as for any handler. Its writes are not
    atomic with the done mark, so a run that is repeated must find them already made.
    """
    if not name or len(name) > NAME_LENGTH:
        raise Invalid(f"a job name needs 1 to {NAME_LENGTH} characters", field="name")
    if max_attempts < 1:
        raise Invalid("max_attempts must be at least 1", field="max_attempts")

    def register(fn: Any) -> Any:
        existing = _registry.get(name)
        if existing is not None and existing.fn is not fn:
            raise Conflict(f"job {name!r} already has a handler: {existing.fn.__qualname__}")
        _registry[name] = Registration(name, fn, max_attempts, unit)
        return fn

    return register


DEFAULT_BATCH_SIZE = 100


def batch_handler(name: str, *, size: int = DEFAULT_BATCH_SIZE) -> Callable[[Any], Any]:
    """Register ``async def fn(db, payloads) -> outcomes`` to run several claimed jobs called
    ``name`` in one call (its handler, registered first with ``unit=False``, stays the one-job
    path). The worker passes the consecutive claims of that name in claim order and marks done,
    in one unit, those whose outcome is None; each exception fails (and retries) only its own
    job. The batch handler owns the all-or-nothing question: a failure of one job must neither
    lose nor repeat the others' effects (decision 0041). If it raises, every job of the batch
    runs alone through the one-job handler. ``size``: when a worker's whole claim is jobs of this
    name (a backlog), it claims more of them, up to ``size`` for one call."""

    def register(fn: Any) -> Any:
        existing = _registry.get(name)
        if existing is None or existing.unit:
            raise Conflict(f"job {name!r} needs a unit-free handler registered before its batch handler")
        _registry[name] = Registration(name, existing.fn, existing.max_attempts, existing.unit, fn, size)
        return fn

    return register


def find_registration(name: str) -> Registration | None:
    return _registry.get(name)


def get_handler(name: str) -> Handler | UnitFreeHandler:
    registration = _registry.get(name)
    if registration is None:
        raise UnknownJob(f"no handler is registered for job {name!r}", field="name")
    return registration.fn


def registered_names() -> list[str]:
    return sorted(_registry)
