"""Counting one account's days from the source tables: posts, favourites, boosts and replies it
received (per day, per Seoul hour and per post), new followers, link clicks, and followers at
the end of each day.

Followers: the day the job runs on gets the live ``followers_count`` (a snapshot); a past day
keeps the snapshot it got while it was today. A day that never had one (before the first run)
is rebuilt from ``follows.created_at``; unfollows delete their rows, so such a day misses the
people who followed then and left since, and its loss is unknown (0). Losses are known only
between two snapshots: new followers minus the net change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from madang.analytics.days import day_start, days_between, local_day
from madang.core.ids import lowest_id_at
from madang.models import Account, Favourite, Follow, ShortLink, ShortLinkDay, Status
from madang.models.analytics import AccountDay

RunQuery = Callable[[Select], Awaitable[list[Any]]]
ID_SLACK = timedelta(days=1)
SHORT_WINDOW_DAYS = 3


def tracked_clause() -> Any:
    """Whose days are kept and whose health is checked: local organisation and verified
    accounts that are not suspended."""
    return (Account.domain.is_(None) & Account.suspended_at.is_(None)
            & or_(Account.organisation.is_(True), Account.verified_at.is_not(None)))


@dataclass
class Tracked:
    """An account whose days are kept: a local organisation or verified account."""

    id: int
    followers_count: int
    created_at: datetime
    last_day: date | None  # the newest day stored, None before the first run


@dataclass
class Rollup:
    """Rows that replace one account's stored rows from ``start`` to ``end``."""

    account_id: int
    start: date
    end: date
    days: list[dict] = field(default_factory=list)
    hours: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)


async def count_account(run: RunQuery, *, account: Tracked, start: date, end: date, today: date,
                        tz: ZoneInfo) -> Rollup:
    a = account.id
    t0, t1 = day_start(start, tz), day_start(end + timedelta(days=1), tz)

    def within(column: Any) -> Any:
        return and_(column >= t0, column < t1)

    # Ids are time-sortable snowflakes made when the row was (back-dated loads use the row's
    # time): a primary-key range bounds each read to the window's rows, a day early for clocks
    # that disagree. The created_at test stays the rule; the id range only narrows the read.
    low = lowest_id_at(t0 - ID_SLACK)
    own, other = aliased(Status), aliased(Status)  # the account's post; what others did to it
    # A short window (the hourly run) is read from the window's interactions and joined to the
    # account's posts ("+ 0" keeps the planner from walking all of them); a long one (backfill)
    # from the account's posts, as the window then holds everyone's interactions of a month.
    mine = own.account_id + 0 == a if (end - start).days < SHORT_WINDOW_DAYS else own.account_id == a
    posts = await run(select(Status.created_at).where(
        Status.account_id == a, Status.id >= low, Status.reblog_of_id.is_(None), Status.deleted_at.is_(None),
        within(Status.created_at)))
    favourites = await run(select(Favourite.status_id, Favourite.created_at).join(own, own.id == Favourite.status_id)
                           .where(mine, Favourite.id >= low, Favourite.account_id != a, within(Favourite.created_at)))
    reblogs = await run(select(other.reblog_of_id, other.created_at).join(own, own.id == other.reblog_of_id).where(
        mine, other.id >= low, other.account_id != a, other.deleted_at.is_(None), within(other.created_at)))
    replies = await run(select(other.in_reply_to_id, other.created_at).join(own, own.id == other.in_reply_to_id).where(
        mine, other.id >= low, other.account_id != a, other.deleted_at.is_(None), within(other.created_at)))
    follows = await run(select(Follow.created_at).where(Follow.target_account_id == a, Follow.id >= low,
                                                        within(Follow.created_at)))
    # A link made for the account, or made without one on a post of the account's.
    clicks = await run(
        select(ShortLinkDay.day, ShortLink.status_id, own.account_id, ShortLinkDay.clicks)
        .join(ShortLink, ShortLink.id == ShortLinkDay.link_id).outerjoin(own, own.id == ShortLink.status_id)
        .where(or_(ShortLink.account_id == a, and_(ShortLink.account_id.is_(None), own.account_id == a)),
               ShortLinkDay.day >= start, ShortLinkDay.day <= end))
    remote_follows, remote_interactions = await _remote(run, a, low, within, mine, own, other)
    snapshots = {d: (n, estimated) for d, n, estimated in await run(
        select(AccountDay.day, AccountDay.followers, AccountDay.followers_estimated).where(
            AccountDay.account_id == a, AccountDay.day >= start - timedelta(days=1), AccountDay.day <= end))}

    rollup = Rollup(a, start, end)
    new_followers = Counter(local_day(t, tz) for (t,) in follows)
    followers = await _followers(run, account, start, end, today, t0, snapshots, new_followers)
    _fill_days(rollup, tz, followers, new_followers, snapshots.get(start - timedelta(days=1)), posts=posts,
               favourites=favourites, reblogs=reblogs, replies=replies, clicks=clicks)
    remote_new = Counter(local_day(t, tz) for (t,) in remote_follows)
    remote_received = Counter(local_day(t, tz) for (t,) in remote_interactions)
    for row in rollup.days:
        row["remote_new_followers"], row["remote_interactions"] = remote_new[row["day"]], remote_received[row["day"]]
    _fill_hours(rollup, tz, (t for _, t in [*favourites, *reblogs, *replies]))
    _fill_statuses(rollup, tz, a, favourites=favourites, reblogs=reblogs, replies=replies, clicks=clicks)
    return rollup


async def _remote(run: RunQuery, a: int, low: int, within: Callable[[Any], Any], mine: Any, own: Any,
                  other: Any) -> tuple[list, list]:
    """The moments of the window's new followers and received interactions that came from
    accounts on other servers (the actor's row has a domain)."""
    actor = aliased(Account)
    remote = actor.domain.is_not(None)
    follows = await run(select(Follow.created_at).join(actor, actor.id == Follow.account_id).where(
        Follow.target_account_id == a, Follow.id >= low, within(Follow.created_at), remote))
    favourites = await run(select(Favourite.created_at).join(own, own.id == Favourite.status_id)
                           .join(actor, actor.id == Favourite.account_id)
                           .where(mine, Favourite.id >= low, within(Favourite.created_at), remote))
    others = []
    for column in (other.reblog_of_id, other.in_reply_to_id):
        others += await run(select(other.created_at).join(own, own.id == column)
                            .join(actor, actor.id == other.account_id)
                            .where(mine, other.id >= low, other.deleted_at.is_(None), within(other.created_at), remote))
    return follows, [*favourites, *others]


async def _followers(run: RunQuery, account: Tracked, start: date, end: date, today: date, t0: datetime,
                     snapshots: dict[date, tuple[int, bool]], new: Counter) -> dict[date, tuple[int, bool]]:
    """(followers at the end of the day, estimated) for each day of the range."""
    out: dict[date, tuple[int, bool]] = {}
    base: int | None = None
    running = 0
    for day in days_between(start, end):
        running += new[day]
        kept = snapshots.get(day)
        if day == today:
            out[day] = (account.followers_count, False)
        elif kept is not None and not kept[1]:
            out[day] = kept
        else:
            if base is None:  # asked once, only when some day has to be rebuilt
                base = int((await run(select(func.count()).select_from(Follow).where(
                    Follow.target_account_id == account.id, Follow.created_at < t0)))[0][0])
            out[day] = (base + running, True)
    return out


def _fill_days(rollup: Rollup, tz: ZoneInfo, followers: dict[date, tuple[int, bool]], new: Counter,
               before: tuple[int, bool] | None, *, posts: list, favourites: list, reblogs: list, replies: list,
               clicks: list) -> None:
    per_day = {name: Counter(local_day(row[-1], tz) for row in rows) for name, rows in (
        ("posts", posts), ("favourites_received", favourites), ("reblogs_received", reblogs),
        ("replies_received", replies))}
    link_clicks: Counter = Counter()
    for day, _, _, n in clicks:
        link_clicks[day] += n
    previous = before
    for day in days_between(rollup.start, rollup.end):
        count, estimated = followers[day]
        lost = 0
        if previous is not None and not previous[1] and not estimated:
            lost = max(0, new[day] - (count - previous[0]))
        rollup.days.append({"account_id": rollup.account_id, "day": day, "followers": count,
                            "followers_estimated": estimated, "new_followers": new[day], "lost_followers": lost,
                            "link_clicks": link_clicks[day], **{k: c[day] for k, c in per_day.items()}})
        previous = (count, estimated)


def _fill_hours(rollup: Rollup, tz: ZoneInfo, moments: Iterable[datetime]) -> None:
    hours: Counter = Counter()
    for moment in moments:
        local = moment.astimezone(tz)
        hours[(local.date(), local.hour)] += 1
    rollup.hours = [{"account_id": rollup.account_id, "day": day, "hour": hour, "interactions": n}
                    for (day, hour), n in sorted(hours.items())]


def _fill_statuses(rollup: Rollup, tz: ZoneInfo, account_id: int, *, favourites: list, reblogs: list,
                   replies: list, clicks: list) -> None:
    rows: dict[tuple[int, date], dict] = {}

    def row(status_id: int, day: date) -> dict:
        key = (status_id, day)
        if key not in rows:
            rows[key] = {"status_id": status_id, "day": day, "account_id": account_id, "favourites": 0,
                         "reblogs": 0, "replies": 0, "link_clicks": 0}
        return rows[key]

    for name, found in (("favourites", favourites), ("reblogs", reblogs), ("replies", replies)):
        for status_id, moment in found:
            row(status_id, local_day(moment, tz))[name] += 1
    for day, status_id, author_id, n in clicks:
        if status_id is not None and author_id == account_id:
            row(status_id, day)["link_clicks"] += n
    rollup.statuses = [rows[k] for k in sorted(rows)]
