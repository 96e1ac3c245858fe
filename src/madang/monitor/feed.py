"""The monitor's list when a page opens: the newest posts for an organisation, with why each is
there and whether someone dealt with it. Live additions come from monitor.hub."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.core.ids import id_at
from madang.models import Account, Mention, Status, StatusTag, Tag
from madang.models.monitor import MonitorAssignment, MonitorMark
from madang.monitor.matching import OPEN_VISIBILITIES, reasons
from madang.monitor.watches import Rules, load_rules
from madang.statuses.policies import not_blocked, visible_to

PAGE = 40
# What the list shows (decision 0047): everything, what nobody marked handled, what is assigned
# to the staff member looking.
SHOWS = ("all", "unhandled", "mine")
# Replies without a mention and keywords have no index to follow: they are looked for among
# the last days' posts only (walking the primary key from a time-derived id).
SCAN_DAYS = 3


@dataclass
class Mark:
    handled_by: Account | None
    handled_at: datetime


@dataclass
class Item:
    status: Status
    author: Account
    reasons: list[str]
    mark: Mark | None
    assignee: Account | None = None
    assigned_at: datetime | None = None


async def candidate_ids(session: AsyncSession, rules: Rules, *, before: int | None, limit: int,
                        unhandled: bool = False) -> list[int]:
    org = rules.organisation_id
    below = [] if before is None else [Status.id < before]
    recent = Status.id > id_at(utcnow() - timedelta(days=SCAN_DAYS))

    def open_(column):  # type: ignore[no-untyped-def]
        # Only posts nobody marked handled (in each query, so a page is still `limit` long).
        return [~exists().where(MonitorMark.organisation_id == org, MonitorMark.status_id == column)] \
            if unhandled else []

    queries = [
        select(Mention.status_id.label("id")).where(Mention.account_id == org,
                                                    *([Mention.status_id < before] if before else []),
                                                    *open_(Mention.status_id))
        .order_by(Mention.status_id.desc()).limit(limit),
        select(Status.id).where(recent, Status.in_reply_to_account_id == org, *below, *open_(Status.id))
        .order_by(Status.id.desc()).limit(limit),
    ]
    if rules.tags:
        queries.append(
            select(StatusTag.status_id.label("id")).join(Tag, Tag.id == StatusTag.tag_id)
            .where(Tag.key.in_(rules.tags), *([StatusTag.status_id < before] if before else []),
                   *open_(StatusTag.status_id))
            .order_by(StatusTag.status_id.desc()).limit(limit))
    if rules.keywords:
        queries.append(
            select(Status.id).where(recent, *below, *open_(Status.id), Status.visibility.in_(OPEN_VISIBILITIES),
                                    Status.reblog_of_id.is_(None), Status.deleted_at.is_(None),
                                    or_(*[Status.text.ilike(f"%{_escaped(k)}%", escape="\\") for k in rules.keywords]))
            .order_by(Status.id.desc()).limit(limit))
    ids: set[int] = set()
    for query in queries:
        ids.update(await session.scalars(query))
    return sorted(ids, reverse=True)


def _escaped(keyword: str) -> str:
    return keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def load_items(session: AsyncSession, rules: Rules, status_ids: list[int]) -> list[Item]:
    """The posts among ``status_ids`` that belong on the monitor, newest first: ones the
    organisation itself may see (the one visibility policy, with it as the viewer) and that a
    monitor rule matches. This is the monitor's only gate: the page, the live cards and every
    action taken as the organisation from the monitor (monitor.actions) go through it."""
    if not status_ids:
        return []
    org = rules.organisation_id
    posts = {s.id: s for s in await session.scalars(select(Status).where(
        Status.id.in_(status_ids), visible_to(org), not_blocked(org)))}
    status_ids = list(posts)
    if not status_ids:
        return []
    mentions: dict[int, set[int]] = {}
    for status_id, account_id in await session.execute(
            select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(status_ids))):
        mentions.setdefault(status_id, set()).add(account_id)
    tags: dict[int, set[str]] = {}
    for status_id, key in await session.execute(
            select(StatusTag.status_id, Tag.key).join(Tag, Tag.id == StatusTag.tag_id)
            .where(StatusTag.status_id.in_(status_ids))):
        tags.setdefault(status_id, set()).add(key)
    chosen: list[tuple[Status, list[str]]] = []
    for status_id in sorted(posts, reverse=True):
        post = posts[status_id]
        why = reasons(rules, post, frozenset(mentions.get(status_id, ())), frozenset(tags.get(status_id, ())))
        if why:
            chosen.append((post, why))
    if not chosen:
        return []
    ids = [p.id for p, _ in chosen]
    authors = {a.id: a for a in await session.scalars(
        select(Account).where(Account.id.in_({p.account_id for p, _ in chosen})))}
    marks = {m.status_id: m for m in await session.scalars(select(MonitorMark).where(
        MonitorMark.organisation_id == rules.organisation_id, MonitorMark.status_id.in_(ids)))}
    markers = {a.id: a for a in await session.scalars(select(Account).where(
        Account.id.in_({m.handled_by_id for m in marks.values() if m.handled_by_id})))} if marks else {}
    given = {a.status_id: a for a in await session.scalars(select(MonitorAssignment).where(
        MonitorAssignment.organisation_id == rules.organisation_id, MonitorAssignment.status_id.in_(ids)))}
    assignees = {a.id: a for a in await session.scalars(select(Account).where(
        Account.id.in_({g.assigned_to_id for g in given.values()})))} if given else {}
    items = []
    for post, why in chosen:
        author = authors.get(post.account_id)
        if author is None or author.suspended_at is not None:
            continue
        mark = marks.get(post.id)
        assignment = given.get(post.id)
        items.append(Item(post, author, why, Mark(markers.get(mark.handled_by_id or 0), mark.handled_at)
                          if mark else None,
                          assignees.get(assignment.assigned_to_id) if assignment else None,
                          assignment.assigned_at if assignment else None))
    return items


async def get_monitor_item(session: AsyncSession, *, organisation_id: int, status_id: int) -> Item:
    """The post as the organisation's monitor shows it; NotFound alike for a missing post and for
    one the monitor would not show (someone else's direct message), so ids are not confirmed."""
    rules = await load_rules(session, organisation_id)
    found = await load_items(session, rules, [status_id])
    if not found:
        raise NotFound("글을 찾을 수 없습니다", field="status")
    return found[0]


async def monitor_page(
    session: AsyncSession, rules: Rules, *, before: int | None = None, limit: int = PAGE, show: str = "all",
    staff_id: int | None = None,
) -> tuple[list[Item], int | None]:
    """A page of items, newest first, and the cursor of the next (older) page if there is one.
    ``show``: one of SHOWS; "mine" lists the posts assigned to ``staff_id``."""
    if show == "mine":
        ids = list(await session.scalars(select(MonitorAssignment.status_id).where(
            MonitorAssignment.organisation_id == rules.organisation_id, MonitorAssignment.assigned_to_id == staff_id,
            *([MonitorAssignment.status_id < before] if before else []))
            .order_by(MonitorAssignment.status_id.desc()).limit(limit + 1)))
    else:
        ids = await candidate_ids(session, rules, before=before, limit=limit + 1, unhandled=show == "unhandled")
    items = await load_items(session, rules, ids[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].status.id if more and items else None)
