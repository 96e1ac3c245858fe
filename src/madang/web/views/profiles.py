"""A profile page's data: the account, how the viewer stands to it, its posts by tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import blocked_either_way, find_account_by_acct, get_relationships
from madang.accounts.relationships import Relationship
from madang.db.paging import Page
from madang.db.replicas import replica_read
from madang.models import Account
from madang.statuses.queries import AccountStatusFilter, list_account_statuses
from madang.web import i18n
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.views.statuses import status_cards


@dataclass(frozen=True)
class Tab:
    key: str
    suffix: str  # after /@username
    label: str
    filters: AccountStatusFilter


# Mastodon's three tabs: posts (own threads kept, other replies left out), with replies, media.
TABS = {
    "posts": Tab("posts", "", N_("글"), AccountStatusFilter(exclude_replies=True)),
    "with_replies": Tab("with_replies", "/with_replies", N_("글과 답글"), AccountStatusFilter()),
    "media": Tab("media", "/media", N_("미디어"), AccountStatusFilter(only_media=True)),
}



def tagged_tab(tag: str) -> Tab:
    """Mastodon's /@user/tagged/{tag}: the account's posts with one hashtag (featured tags link here)."""
    from urllib.parse import quote

    return Tab("tagged", f"/tagged/{quote(tag)}", f"#{tag}", AccountStatusFilter(tagged=tag))


_DATE = {"ko": "yyyy년 M월 d일", "en": "MMM d, yyyy"}


def joined_on(when: datetime, time_zone: str) -> str:
    """The calendar day of sign-up in the instance's zone (a Seoul evening is not a UTC morning)."""
    from zoneinfo import ZoneInfo

    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    day = aware.astimezone(ZoneInfo(time_zone)).date()
    locale = i18n.current_locale()
    return format_date(day, _DATE.get(locale, _DATE["ko"]), locale=locale)


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def get_profile_account(session: AsyncSession, username: str) -> Account:
    """A local account, or a remote one known here (``user@host``, shown with its server's name,
    as Mastodon's web shows them); suspended ones are 404."""
    name = username.removeprefix("@")
    if "@" not in name:
        return await get_local_account(session, name)
    account = await find_account_by_acct(session, name) if len(name) <= 400 else None
    if account is None or account.domain is None or account.suspended_at is not None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return account


async def get_local_account(session: AsyncSession, username: str) -> Account:
    """A local account by its username; remote-looking names and suspended accounts are 404."""
    name = username.removeprefix("@")
    if not name or "@" in name or len(name) > 30:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    account = await find_account_by_acct(session, name)
    if account is None or account.domain is not None or account.suspended_at is not None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return account


async def relationship_to(session: AsyncSession, viewer: Account | None, account: Account) -> Relationship | None:
    if viewer is None or viewer.id == account.id:
        return None
    return (await get_relationships(session, account=viewer, target_ids=[account.id]))[0]


async def relationships_to(session: AsyncSession, viewer: Account | None,
                           accounts: list[Account]) -> dict[int, Relationship]:
    if viewer is None:
        return {}
    ids = [a.id for a in accounts if a.id != viewer.id]
    return {r.id: r for r in await get_relationships(session, account=viewer, target_ids=ids)}


async def profile_statuses(session: AsyncSession, *, account: Account, viewer_id: int | None, tab: Tab,
                           page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """(pinned cards, cards, cursor of the next page). Pinned posts lead the first page of the
    posts tab and are left out of the list below them, so no post is on the page twice."""
    if viewer_id is not None and await blocked_either_way(session, viewer_id, account.id):
        return [], [], None
    pinned_rows = []
    if tab.key == "posts":
        pinned_rows = await list_account_statuses(
            session, account=account, viewer_id=viewer_id, page=Page(limit=20),
            filters=AccountStatusFilter(pinned=True))
    rows = await list_account_statuses(session, account=account, viewer_id=viewer_id, page=page, filters=tab.filters)
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    pinned_ids = {s.id for s in pinned_rows}
    shown = [s for s in rows if s.id not in pinned_ids]
    pinned = await status_cards(session, pinned_rows, viewer_id, context="account") if page.max_id is None else []
    return pinned, await status_cards(session, shown, viewer_id, context="account"), older
