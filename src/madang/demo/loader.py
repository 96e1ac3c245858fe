"""Writes the demo city through the same use cases a citizen's requests call, with the
clock set to each event's time so the city's history reads right (the mayor silent for
41 days). One transaction; the follow-up jobs (fan-out, notifications) run afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang import accounts
from madang.core import clock as clock_module
from madang.core.clock import FrozenClock
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.city import CITY, DemoCity
from madang.jobs import Worker
from madang.models import Account, Status
from madang.statuses.create import Site, create_status
from madang.statuses.interactions import favourite_status, reblog_status

SEOUL = timezone(timedelta(hours=9))


def demo_today(now: datetime | None = None) -> datetime:
    """Today at 15:00 Seoul time: every demo event is placed relative to it."""
    now = (now or datetime.now(timezone.utc)).astimezone(SEOUL)
    return now.replace(hour=15, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


async def is_empty(db: Database) -> bool:
    async with db.read() as session:
        return not await session.scalar(select(func.count()).select_from(Account))


async def _write(session: AsyncSession, city: DemoCity, site: Site, today: datetime) -> None:
    real = clock_module.clock
    try:
        first = today - max(p.ago for p in city.posts) - timedelta(days=30)
        by_name: dict[str, Account] = {}
        # Fifty citizens share one demo password: hash each distinct password once.
        hashes = {password: accounts.hash_password(password) for password in {a.password for a in city.accounts}}
        for n, a in enumerate(city.accounts):
            clock_module.set_clock(FrozenClock(first + timedelta(minutes=n)))
            account, _ = await accounts.register_account(
                session, username=a.username, email=a.email, password=a.password, display_name=a.display_name,
                note=a.note, base_url=site.base_url, organisation=a.organisation, verified=a.verified,
                locked=a.locked, bot=a.bot, password_hash=hashes[a.password],
            )
            by_name[a.username] = account
        for n, f in enumerate(city.follows):
            clock_module.set_clock(FrozenClock(first + timedelta(days=1, seconds=n)))
            result = await accounts.follow_account(session, account=by_name[f.follower], target=by_name[f.followee])
            if result.requested:
                await accounts.authorize_follow_request(session, account=by_name[f.followee],
                                                        requester=by_name[f.follower])
        posts: dict[str, Status] = {}
        events: list[tuple[timedelta, int, object]] = [(p.ago, 0, p) for p in city.posts]
        events += [(r.ago, 1, r) for r in city.reblogs]
        for ago, _, event in sorted(events, key=lambda e: (-e[0], e[1])):
            clock_module.set_clock(FrozenClock(today - ago))
            if hasattr(event, "text"):
                post = event
                posts[post.key] = await create_status(
                    session, site=site, author=by_name[post.author], text=post.text,
                    spoiler_text=post.spoiler_text, visibility=post.visibility,
                    in_reply_to_id=posts[post.in_reply_to].id if post.in_reply_to else None,
                )
            else:
                await reblog_status(session, site=site, account=by_name[event.account], status=posts[event.post])
        for n, fav in enumerate(city.favourites):
            target = posts[fav.post]
            clock_module.set_clock(FrozenClock(max(target.created_at + timedelta(minutes=5 + n % 50),
                                                   target.created_at)))
            await favourite_status(session, account=by_name[fav.account], status=target)
    finally:
        clock_module.set_clock(real)


async def load_demo(db: Database, settings: Settings, *, today: datetime | None = None,
                    city: DemoCity = CITY) -> None:
    site = Site.of(settings)
    async with db.write() as session:
        await _write(session, city, site, demo_today(today))
        from madang.demo.desk import load_desk  # the city's 민원 desk, before the intake jobs run

        await load_desk(session)
        from madang.demo.open311 import load_open311  # its services, for the desk's departments

        await load_open311(session)
    await Worker(db).run_until_idle(timeout=300)
