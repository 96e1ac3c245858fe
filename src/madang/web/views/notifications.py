"""A notification as the page shows it: who (a group's first few, as Mastodon 4.3's web), what
kind (a reply told apart from a mention), and the post's card where there is one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follow_requests import pending_requester_ids
from madang.accounts.queries import get_accounts
from madang.models import Notification, Status
from madang.notifications.groups import NotificationGroup
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_cards

AVATARS = 4  # faces shown for a group; the sentence names the newest and counts the rest


def _kind(n: Notification, status: Status | None, viewer_id: int) -> str:
    if n.type == "mention" and status is not None and status.in_reply_to_account_id == viewer_id:
        return "reply"
    if n.type == "poll" and n.from_account_id == viewer_id:
        return "own_poll"
    return n.type


async def notification_items(session: AsyncSession, groups: Sequence[NotificationGroup],
                             viewer_id: int) -> list[dict[str, Any]]:
    """Items in the order given, one per group (the domain's grouping, decision 0030); a group
    whose post a hide filter takes, or whose newest sender is gone, is left out (as the API
    leaves it out). ``id`` is the notification shown (the page's anchor and cursor),
    ``newest_id`` the group's newest (what unread compares)."""
    senders = await get_accounts(session, {i for g in groups for i in g.sample_account_ids[:AVATARS]})
    wanted = list(dict.fromkeys(g.notification.status_id for g in groups if g.notification.status_id))
    statuses = {s.id: s for s in await session.scalars(select(Status).where(Status.id.in_(wanted)))} if wanted else {}
    cards = {c["id"]: c for c in await status_cards(session, list(statuses.values()), viewer_id,
                                                     context="notifications")}
    asking = {g.notification.from_account_id for g in groups if g.notification.type == "follow_request"}
    waiting = await pending_requester_ids(session, account_id=viewer_id, requester_ids=asking) if asking else set()
    items = []
    for g in groups:
        n = g.notification
        faces = [account_card(senders[i]) for i in g.sample_account_ids[:AVATARS] if i in senders]
        if not faces or g.sample_account_ids[0] not in senders or (n.status_id is not None and n.status_id not in cards):
            continue
        status = statuses.get(n.status_id) if n.status_id else None
        items.append({"id": n.id, "newest_id": g.most_recent_id, "kind": _kind(n, status, viewer_id),
                      "account": faces[0], "accounts": faces, "count": g.count, "others": g.count - 1,
                      "group_key": str(g.key),
                      "status": cards.get(n.status_id) if n.status_id else None, "created_at": g.latest_at,
                      "pending": n.type == "follow_request" and n.from_account_id in waiting})
    return items
