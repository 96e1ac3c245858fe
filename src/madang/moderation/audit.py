"""The moderation audit log: one appended row per action, never changed or removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.paging import Page, fetch_page
from madang.models import Account
from madang.models.moderation_admin import MODERATION_ACTIONS, ModerationAction

REASON_MAX = 2000


@dataclass
class LoggedAction:
    """A log row with the accounts it names (None once an account row is gone)."""

    row: ModerationAction
    actor: Account | None
    target: Account | None


async def record_action(
    session: AsyncSession, *, actor: Account, action: str, target_account_id: int | None = None,
    target_status_id: int | None = None, report_id: int | None = None, reason: str = "",
    details: dict[str, Any] | None = None,
) -> ModerationAction:
    assert action in MODERATION_ACTIONS, action
    row = ModerationAction(account_id=actor.id, action=action, target_account_id=target_account_id,
                           target_status_id=target_status_id, report_id=report_id, reason=reason,
                           details=details or {}, created_at=utcnow())
    session.add(row)
    await session.flush()
    return row


async def list_actions(
    session: AsyncSession, *, page: Page, target_account_id: int | None = None, report_id: int | None = None,
) -> list[LoggedAction]:
    """Newest first; for one account's or one report's history when asked."""
    stmt = select(ModerationAction)
    if target_account_id is not None:
        stmt = stmt.where(ModerationAction.target_account_id == target_account_id)
    if report_id is not None:
        stmt = stmt.where(ModerationAction.report_id == report_id)
    rows = await fetch_page(session, stmt, ModerationAction.id, page)
    ids = {r.account_id for r in rows} | {r.target_account_id for r in rows}
    ids.discard(None)
    accounts = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))} if ids else {}
    return [LoggedAction(r, accounts.get(r.account_id or 0), accounts.get(r.target_account_id or 0)) for r in rows]
