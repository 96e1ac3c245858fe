"""Everything needed to show a batch of statuses, loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Account, Application, Bookmark, Favourite, Mention, Status, StatusPin, StatusTag, Tag


@dataclass
class StatusView:
    status: Status
    account: Account
    reblog: StatusView | None = None
    mentions: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    application: Application | None = None
    # Viewer-relative marks; None when nobody is signed in.
    favourited: bool | None = None
    reblogged: bool | None = None
    bookmarked: bool | None = None
    pinned: bool | None = None


async def load_status_views(
    session: AsyncSession, statuses: Sequence[Status], viewer_id: int | None
) -> list[StatusView]:
    if not statuses:
        return []
    by_id: dict[int, Status] = {s.id: s for s in statuses}
    missing = {s.reblog_of_id for s in statuses if s.reblog_of_id and s.reblog_of_id not in by_id}
    if missing:
        for original in await session.scalars(select(Status).where(Status.id.in_(missing))):
            by_id[original.id] = original
    ids = list(by_id)
    mention_rows = list(await session.execute(
        select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(ids)).order_by(Mention.id)
    ))
    account_ids = {s.account_id for s in by_id.values()} | {r[1] for r in mention_rows}
    accounts = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(account_ids)))}
    tags: dict[int, list[Tag]] = defaultdict(list)
    for status_id, tag in await session.execute(
        select(StatusTag.status_id, Tag).join(Tag, Tag.id == StatusTag.tag_id).where(StatusTag.status_id.in_(ids))
    ):
        tags[status_id].append(tag)
    app_ids = {s.application_id for s in by_id.values() if s.application_id}
    apps = {a.id: a for a in await session.scalars(select(Application).where(Application.id.in_(app_ids)))} if app_ids else {}
    mentions: dict[int, list[Account]] = defaultdict(list)
    for status_id, account_id in mention_rows:
        if account_id in accounts:
            mentions[status_id].append(accounts[account_id])

    marks: dict[str, set[int]] = {}
    if viewer_id is not None:
        for name, model in (("favourited", Favourite), ("bookmarked", Bookmark), ("pinned", StatusPin)):
            marks[name] = set(await session.scalars(
                select(model.status_id).where(model.account_id == viewer_id, model.status_id.in_(ids))
            ))
        marks["reblogged"] = set(await session.scalars(
            select(Status.reblog_of_id).where(Status.account_id == viewer_id, Status.reblog_of_id.in_(ids))
        ))

    def view(status: Status) -> StatusView:
        v = StatusView(
            status=status, account=accounts[status.account_id], mentions=mentions.get(status.id, []),
            tags=tags.get(status.id, []), application=apps.get(status.application_id or 0),
        )
        if viewer_id is not None:
            v.favourited = status.id in marks["favourited"]
            v.bookmarked = status.id in marks["bookmarked"]
            v.pinned = status.id in marks["pinned"]
            v.reblogged = status.id in marks["reblogged"]
        return v

    out = []
    for status in statuses:
        v = view(status)
        if status.reblog_of_id is not None and status.reblog_of_id in by_id:
            v.reblog = view(by_id[status.reblog_of_id])
        out.append(v)
    return out
