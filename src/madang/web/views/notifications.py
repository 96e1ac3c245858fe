"""A notification as the page shows it: who, what kind (a reply told apart from a mention),
and the post's card where there is one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follow_requests import pending_requester_ids
from madang.accounts.queries import get_accounts
from madang.models import Notification, Status
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_cards


def _kind(n: Notification, status: Status | None, viewer_id: int) -> str:
    if n.type == "mention" and status is not None and status.in_reply_to_account_id == viewer_id:
        return "reply"
    if n.type == "poll" and n.from_account_id == viewer_id:
        return "own_poll"
    return n.type


async def notification_items(session: AsyncSession, rows: Sequence[Notification], viewer_id: int) -> list[dict[str, Any]]:
    """Items in the order given; a notification whose post a hide filter takes, or whose
    sender is gone, is left out (as the API leaves it out)."""
    senders = await get_accounts(session, {n.from_account_id for n in rows})
    wanted = [n.status_id for n in rows if n.status_id]
    statuses = {s.id: s for s in await session.scalars(select(Status).where(Status.id.in_(wanted)))} if wanted else {}
    cards = {c["id"]: c for c in await status_cards(session, list(statuses.values()), viewer_id,
                                                     context="notifications")}
    asking = {n.from_account_id for n in rows if n.type == "follow_request"}
    waiting = await pending_requester_ids(session, account_id=viewer_id, requester_ids=asking)
    items = []
    for n in rows:
        sender = senders.get(n.from_account_id)
        if sender is None or (n.status_id is not None and n.status_id not in cards):
            continue
        status = statuses.get(n.status_id) if n.status_id else None
        items.append({"id": n.id, "kind": _kind(n, status, viewer_id), "account": account_card(sender),
                      "status": cards.get(n.status_id) if n.status_id else None, "created_at": n.created_at,
                      "pending": n.type == "follow_request" and n.from_account_id in waiting})
    return items
