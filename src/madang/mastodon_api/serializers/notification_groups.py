"""NotificationGroup and GroupedNotificationsResults (Mastodon 4.3's /api/v2/notifications)."""

from __future__ import annotations

from typing import Any

from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.formats import ts
from madang.models import Account
from madang.notifications.groups import NotificationGroup

STATUS_TYPES = ("favourite", "reblog", "status", "mention", "poll", "update")


def notification_group_json(g: NotificationGroup) -> dict[str, Any]:
    n = g.notification
    out: dict[str, Any] = {
        "group_key": str(g.key),
        "notifications_count": g.count,
        "type": n.type,
        # A number, as Mastodon sends it (typed clients decode an integer). JavaScript reads a
        # 64-bit snowflake inexactly: page_max_id carries the same id as a string.
        "most_recent_notification_id": g.most_recent_id,
        "sample_account_ids": [str(i) for i in g.sample_account_ids],
    }
    if g.page_min_id is not None:
        out["page_min_id"] = str(g.page_min_id)
        out["page_max_id"] = str(g.page_max_id)
        out["latest_page_notification_at"] = ts(g.latest_at)
    if n.type in STATUS_TYPES:
        out["status_id"] = str(n.status_id) if n.status_id else None
    return out


def partial_account_json(a: Account, base_url: str) -> dict[str, Any]:
    """What ``expand_accounts=partial_avatars`` sends for the faces of a group."""
    full = account_json(a, base_url)
    return {k: full[k] for k in ("id", "acct", "locked", "bot", "url", "avatar", "avatar_static")}


def grouped_results_json(groups: list[NotificationGroup], accounts: dict[int, Account],
                         statuses: list[dict[str, Any]], base_url: str, *, partial: bool = False) -> dict[str, Any]:
    """Each account and status once, named by id from the groups. ``partial``: only each
    group's newest account in full, the other faces as partial accounts (Mastodon's rule)."""
    full_ids = list(dict.fromkeys(i for g in groups for i in (g.sample_account_ids[:1] if partial
                                                                 else g.sample_account_ids)))
    out: dict[str, Any] = {
        "accounts": [account_json(accounts[i], base_url) for i in full_ids if i in accounts],
        "statuses": statuses,
        "notification_groups": [notification_group_json(g) for g in groups],
    }
    if partial:
        rest = dict.fromkeys(i for g in groups for i in g.sample_account_ids if i not in set(full_ids))
        out["partial_accounts"] = [partial_account_json(accounts[i], base_url) for i in rest if i in accounts]
    return out
