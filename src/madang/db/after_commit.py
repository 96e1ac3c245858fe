"""Work a transaction leaves for after its COMMIT (events, waking the worker): a leaf that both
the units of work (db.database) and group commit (db.group_commit) read, so neither imports the other."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

AFTER_COMMIT = "after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)
