"""What the analytics pages read: an account's days over a range (series, totals, the hours
people engage), its top posts, one post's days, and the same as CSV rows.

Only the daily tables are read (a year is 365 day rows, at most 8,760 hour rows and the
range's post rows summed in SQL), never the source tables, so a year of a 100,000-follower
account reads as fast as a week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.days import check_range, days_between
from madang.models import Account, Follow, Status
from madang.models.analytics import AccountDay, AccountHour, StatusDay

DAY_FIELDS = ("new_followers", "lost_followers", "posts", "replies_received", "favourites_received",
              "reblogs_received", "link_clicks", "remote_new_followers", "remote_interactions")
POST_FIELDS = ("favourites", "reblogs", "replies", "link_clicks")
TOP_POSTS = 10


@dataclass
class Day:
    day: date
    followers: int | None  # None: the job has not counted this day (yet)
    new_followers: int = 0
    lost_followers: int = 0
    posts: int = 0
    replies_received: int = 0
    favourites_received: int = 0
    reblogs_received: int = 0
    link_clicks: int = 0
    remote_new_followers: int = 0  # of new_followers, those on other servers
    remote_interactions: int = 0  # of the interactions, those from accounts on other servers
    followers_estimated: bool = False

    @property
    def interactions(self) -> int:
        return self.favourites_received + self.reblogs_received + self.replies_received


@dataclass
class PostCounts:
    status_id: int
    favourites: int = 0
    reblogs: int = 0
    replies: int = 0
    link_clicks: int = 0
    status: Status | None = None

    @property
    def interactions(self) -> int:
        return self.favourites + self.reblogs + self.replies


@dataclass
class Summary:
    account_id: int
    start: date
    end: date
    days: list[Day]
    hours: list[int]  # interactions by Seoul hour 0..23 over the range
    top_posts: list[PostCounts] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.days)

    @property
    def followers_start(self) -> int | None:
        return next((d.followers for d in self.days if d.followers is not None), None)

    @property
    def followers_end(self) -> int | None:
        return next((d.followers for d in reversed(self.days) if d.followers is not None), None)

    @property
    def growth(self) -> int | None:
        first, last = self.followers_start, self.followers_end
        return None if first is None or last is None else last - first

    @property
    def estimated(self) -> bool:
        return any(d.followers_estimated for d in self.days)


async def account_summary(session: AsyncSession, *, account_id: int, start: date, end: date,
                          top: int = TOP_POSTS) -> Summary:
    check_range(start, end)
    # Plain rows, not ORM objects: a year is 365 of them and the page is read often.
    columns = [AccountDay.day, AccountDay.followers, *(getattr(AccountDay, f) for f in DAY_FIELDS),
               AccountDay.followers_estimated]
    stored = {row[0]: row for row in (await session.execute(select(*columns).where(
        AccountDay.account_id == account_id, AccountDay.day >= start, AccountDay.day <= end))).all()}
    days = []
    for day in days_between(start, end):
        row = stored.get(day)
        days.append(Day(day, None) if row is None else Day(day, *row[1:-1], followers_estimated=bool(row[-1])))
    hours = [0] * 24
    for hour, n in await session.execute(
            select(AccountHour.hour, func.sum(AccountHour.interactions)).where(
                AccountHour.account_id == account_id, AccountHour.day >= start, AccountHour.day <= end)
            .group_by(AccountHour.hour)):
        if 0 <= hour < 24:
            hours[hour] = int(n or 0)
    return Summary(account_id, start, end, days, hours, await top_posts(session, account_id=account_id,
                                                                         start=start, end=end, limit=top))


async def top_posts(session: AsyncSession, *, account_id: int, start: date, end: date,
                    limit: int = TOP_POSTS) -> list[PostCounts]:
    """The posts with the most favourites, boosts and replies in the range, with their link clicks."""
    sums = [func.sum(getattr(StatusDay, f)) for f in POST_FIELDS]
    score = sums[0] + sums[1] + sums[2]
    rows = (await session.execute(
        select(StatusDay.status_id, *sums).where(
            StatusDay.account_id == account_id, StatusDay.day >= start, StatusDay.day <= end)
        .group_by(StatusDay.status_id).order_by(score.desc(), sums[3].desc(), StatusDay.status_id.desc())
        .limit(limit))).all()
    posts = [PostCounts(int(r[0]), *(int(n or 0) for n in r[1:])) for r in rows]
    if posts:
        found = {s.id: s for s in await session.scalars(select(Status).where(
            Status.id.in_([p.status_id for p in posts]), Status.deleted_at.is_(None)))}
        posts = [p for p in posts if p.status_id in found]
        for p in posts:
            p.status = found[p.status_id]
    return posts


@dataclass
class PostDays:
    status: Status
    days: list[tuple[date, PostCounts]]
    totals: PostCounts


async def post_days(session: AsyncSession, *, status: Status) -> PostDays:
    """Every counted day of one post, oldest first, and its totals."""
    totals = PostCounts(status.id, status=status)
    days = []
    for row in await session.scalars(select(StatusDay).where(StatusDay.status_id == status.id)
                                     .order_by(StatusDay.day)):
        counts = PostCounts(status.id, *(getattr(row, f) for f in POST_FIELDS))
        days.append((row.day, counts))
        for f in POST_FIELDS:
            setattr(totals, f, getattr(totals, f) + getattr(counts, f))
    return PostDays(status, days, totals)


CSV_HEADERS = ["날짜", "팔로워", "새 팔로워", "떠난 팔로워", "글", "받은 답글", "받은 좋아요", "받은 공유", "링크 클릭",
               "다른 서버의 새 팔로워", "다른 서버에서 받은 반응"]


@dataclass
class Servers:
    """Where an account's followers are now: how many are on other servers, and the servers
    with the most of them (federation)."""

    remote_followers: int
    top: list[tuple[str, int]]  # (domain, followers), the most first


async def followers_by_server(session: AsyncSession, *, account_id: int, limit: int = 10) -> Servers:
    """Read live from the follows (one grouped scan of the account's followers: the page is
    opened by staff, not by everyone)."""
    rows = (await session.execute(
        select(Account.domain, func.count()).join(Follow, Follow.account_id == Account.id)
        .where(Follow.target_account_id == account_id, Account.domain.is_not(None))
        .group_by(Account.domain))).all()
    ranked = sorted(((str(d), int(n)) for d, n in rows), key=lambda r: (-r[1], r[0]))
    return Servers(sum(n for _, n in ranked), ranked[:limit])


def csv_rows(summary: Summary) -> list[list[Any]]:
    """One row a day: the header above is the CSV's first line (Korean, as the office reads it)."""
    return [[d.day.isoformat(), "" if d.followers is None else d.followers,
             *(getattr(d, f) for f in DAY_FIELDS)] for d in summary.days]
