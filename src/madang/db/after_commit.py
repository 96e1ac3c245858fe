"""Work a transaction leaves for after its COMMIT (events, waking the worker): a leaf that both
the units of work (db.database) and group commit (db.group_commit) read, so neither imports the other."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

AFTER_COMMIT = "after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def forget_after_commit(session: AsyncSession, copy: object) -> None:
    """Empty a process's copy (a dict) of what this unit changes, now and again once it has
    committed: a reader between the two (the worker, another request) would otherwise refill it
    with the old rows and keep them for the copy's lifetime."""
    if isinstance(copy, dict):
        copy.clear()
        after_commit(session, copy.clear)
