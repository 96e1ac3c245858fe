"""/admin's dashboard counts each day's posts in the server's zone: the days before today from a
copy kept a while (they are the big part on a busy server), today's always as it is now."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from madang.core.clock import Clock, FrozenClock, set_clock
from madang.models import User
from madang.moderation.admin_dashboard import dashboard
from tests.factories import make_account, make_status


async def test_past_days_and_today_are_counted_in_seoul(db) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)  # 15:00 in Seoul
    clock = FrozenClock(now - timedelta(days=3))
    set_clock(clock)
    try:
        async with db.write() as s:
            admin = await make_account(s, username="sysop")
            await s.execute(update(User).where(User.account_id == admin.id).values(admin=True))
            author = await make_account(s, username="writer")
            for _ in range(3):
                await make_status(s, author, "사흘 전")
        clock.advance(days=2)
        async with db.write() as s:
            await make_status(s, author, "어제")
        clock.advance(days=1)
        async with db.write() as s:
            await make_status(s, author, "오늘")

        async def posts_by_day() -> dict[str, int]:
            async with db.read() as s:
                board = await dashboard(s, actor=admin, now=now, time_zone="Asia/Seoul")
            return {d.day.isoformat(): d.posts for d in board.days if d.posts}

        assert await posts_by_day() == {"2026-12-04": 3, "2026-12-06": 1, "2026-12-07": 1}
        async with db.write() as s:
            await make_status(s, author, "오늘 또")
        # Today is counted as it is now; the days before come from the kept copy.
        assert await posts_by_day() == {"2026-12-04": 3, "2026-12-06": 1, "2026-12-07": 2}
    finally:
        set_clock(Clock())
