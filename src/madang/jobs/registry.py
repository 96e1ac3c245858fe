"""Handlers registered by name.

Domain packages register their handlers here; the jobs package never imports a domain
package, so a job can be enqueued by a process that does not even load its handler (the
web process enqueues federation delivery, the worker process runs it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Conflict, Invalid, NotFound

Handler = Callable[[AsyncSession, dict], Awaitable[None]]

DEFAULT_MAX_ATTEMPTS = 8
NAME_LENGTH = 100  # the width of jobs.name


class UnknownJob(NotFound):
    """No handler is registered under this name in this process."""


@dataclass(frozen=True)
class Registration:
    name: str
    fn: Handler
    max_attempts: int


_registry: dict[str, Registration] = {}


def handler(name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Callable[[Handler], Handler]:
    """Register ``async def fn(session, payload)`` as the handler for jobs called ``name``.

    The handler runs inside its own unit of work; its writes commit together with the
    job's done mark, and roll back if it raises (the job is then retried with backoff
    until ``max_attempts`` runs have been started, then marked failed).

    Handlers MUST be idempotent: a job can run more than once (a worker that dies after
    the handler's side effects outside the database, a lease that expires mid-run, an
    operator's retry). Write with upserts or check-then-insert, and make outside effects
    (HTTP deliveries, e-mail) safe to repeat. Keep them short: on SQLite the handler holds
    the single write lock for as long as it runs.
    """
    if not name or len(name) > NAME_LENGTH:
        raise Invalid(f"a job name needs 1 to {NAME_LENGTH} characters", field="name")
    if max_attempts < 1:
        raise Invalid("max_attempts must be at least 1", field="max_attempts")

    def register(fn: Handler) -> Handler:
        existing = _registry.get(name)
        if existing is not None and existing.fn is not fn:
            raise Conflict(f"job {name!r} already has a handler: {existing.fn.__qualname__}")
        _registry[name] = Registration(name, fn, max_attempts)
        return fn

    return register


def find_registration(name: str) -> Registration | None:
    return _registry.get(name)


def get_handler(name: str) -> Handler:
    registration = _registry.get(name)
    if registration is None:
        raise UnknownJob(f"no handler is registered for job {name!r}", field="name")
    return registration.fn


def registered_names() -> list[str]:
    return sorted(_registry)
