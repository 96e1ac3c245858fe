"""Which tags and statuses trend, from the daily counts and recent interactions.

Tags. A tag's *observed* use is the number of distinct accounts that used it today (the
instance's zone) plus half of yesterday's, so a trend does not vanish at midnight. Its
*expected* use is the mean of distinct accounts per day over the five days before
yesterday, at least 1. A tag trends when at least ``MIN_TAG_ACCOUNTS`` distinct accounts
used it today or yesterday and observed > expected; its score is Mastodon's
``(observed - expected)² / expected``, so a sudden rise beats a tag that is always busy.
Accounts, not posts, are counted: one account posting a tag ten times counts once.

Statuses. Public posts (not reblogs, not deleted, author not suspended and discoverable) of the last
``STATUS_WINDOW`` are scored by the distinct accounts other than the author that favourited,
reblogged or replied publicly to them; at least ``MIN_STATUS_ACCOUNTS`` are needed. The count
halves every ``STATUS_HALF_LIFE`` of the post's age, so yesterday's hit gives way to today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, distinct, func, select, union_all
from sqlalchemy.orm import aliased

from madang.models import Account, Favourite, Status
from madang.trends.counting import counted_statuses
from madang.trends.reading import RunQuery

MIN_TAG_ACCOUNTS = 2
MIN_STATUS_ACCOUNTS = 2
STATUS_WINDOW = timedelta(hours=48)
STATUS_HALF_LIFE = timedelta(hours=12)
MAX_TRENDS = 100  # stored; clients page through at most this many


@dataclass(frozen=True)
class Ranked:
    id: int
    score: float


def tag_score(accounts_by_day: dict[date, int], days: list[date]) -> float:
    """``days`` newest first (today first), as count_recent_days returns them."""
    today = accounts_by_day.get(days[0], 0)
    yesterday = accounts_by_day.get(days[1], 0) if len(days) > 1 else 0
    if max(today, yesterday) < MIN_TAG_ACCOUNTS:
        return 0.0
    before = [accounts_by_day.get(d, 0) for d in days[2:]]
    expected = max(1.0, sum(before) / len(before)) if before else 1.0
    observed = today + yesterday / 2
    return (observed - expected) ** 2 / expected if observed > expected else 0.0


def rank_tags(day_counts: list[dict], days: list[date]) -> list[Ranked]:
    """From the ``tag_day_uses`` rows of ``days`` (pure: the counting already ran)."""
    by_tag: dict[int, dict[date, int]] = {}
    for row in day_counts:
        by_tag.setdefault(row["tag_id"], {})[row["day"]] = row["accounts"]
    scored = [Ranked(tag_id, tag_score(counts, days)) for tag_id, counts in by_tag.items()]
    scored = [r for r in scored if r.score > 0]
    # Ties go to the tag more accounts used today, then the older tag (a stable order).
    scored.sort(key=lambda r: (-r.score, -by_tag[r.id].get(days[0], 0), r.id))
    return scored[:MAX_TRENDS]


def engagement_query(now: datetime) -> Select:
    """(status id, created_at, distinct engaging accounts) of the recent posts that qualify."""
    post = aliased(Status)
    recent = select(post.id, post.account_id, post.created_at).where(
        *counted_statuses(now - STATUS_WINDOW, now + timedelta(seconds=1), status=post),
        post.visibility == "public",
        # As Mastodon: only authors who let themselves be discovered have their posts promoted.
        post.account_id.in_(select(Account.id).where(Account.discoverable.is_(True))),
    ).subquery()
    other = aliased(Status)
    engaged = union_all(
        select(Favourite.status_id.label("status_id"), Favourite.account_id.label("account_id")),
        select(other.reblog_of_id, other.account_id).where(other.reblog_of_id.is_not(None),
                                                           other.deleted_at.is_(None)),
        select(other.in_reply_to_id, other.account_id).where(
            other.in_reply_to_id.is_not(None), other.deleted_at.is_(None), other.visibility.in_(("public", "unlisted"))),
    ).subquery()
    return (
        select(recent.c.id, recent.c.created_at, func.count(distinct(engaged.c.account_id)))
        .join(engaged, engaged.c.status_id == recent.c.id)
        .where(engaged.c.account_id != recent.c.account_id)
        .group_by(recent.c.id, recent.c.created_at)
        .having(func.count(distinct(engaged.c.account_id)) >= MIN_STATUS_ACCOUNTS)
    )


async def rank_statuses(run: RunQuery, now: datetime) -> list[Ranked]:
    ranked = []
    for status_id, created_at, accounts in await run(engagement_query(now)):
        age = max(timedelta(0), now - created_at)
        ranked.append(Ranked(status_id, accounts * 0.5 ** (age / STATUS_HALF_LIFE)))
    ranked.sort(key=lambda r: (-r.score, -r.id))
    return ranked[:MAX_TRENDS]
