"""Analytics at scale: an organisation with 100,000 followers and a year of activity (10 posts a
day, ~300,000 favourites, boosts, replies, link clicks) in a fresh SQLite file; the daily rows are
built by the real rollup job (its backfill and one hourly run are timed), then the analytics
page's use case for the whole year is timed in process (p50/p99 over --runs calls), and the
page itself over HTTP against a running server.

    .venv/bin/python bench/analytics_bench.py --db /tmp/madang-analytics/a.db [--followers 100000] [--runs 200]

Source rows are inserted with executemany on the migrated file (not through the use cases).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from madang.analytics.boards import organisation_board  # noqa: E402
from madang.analytics.rollup import rollup_analytics  # noqa: E402
from madang.core.ids import id_at  # noqa: E402
from madang.db import Database  # noqa: E402
from madang.db.migrate import upgrade  # noqa: E402
from madang.desk.organisations import add_staff  # noqa: E402

SEOUL = ZoneInfo("Asia/Seoul")
STAFF_PASSWORD = "correct horse battery"  # tests.accounts.factories.PASSWORD


async def setup_org(url: str) -> tuple[int, int]:
    from tests.factories import make_account

    db = Database(url)
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        staff = await make_account(s, username="office_reader")
        await add_staff(s, organisation=org, account=staff, role="read_only")
        ids = (org.id, staff.id)
    await db.dispose()
    return ids


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, org_id: int, n_followers: int, now: datetime) -> dict[str, int]:
    rng = random.Random(7)
    year_ago = now - timedelta(days=365)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    # Backdate the organisation, so the year is its history.
    con.execute("UPDATE accounts SET created_at = ? WHERE id = ?", (iso(year_ago - timedelta(days=30)), org_id))
    accounts, follows = [], []
    for i in range(n_followers):
        joined = year_ago + timedelta(seconds=rng.uniform(0, 365 * 86400))
        aid = id_at(joined)
        accounts.append((aid, f"fan{i}", f"fan{i}", "", "", "", "[]", 0, 0, 1, 0, iso(joined), iso(joined)))
        follows.append((id_at(joined), 1, 0, aid, org_id, iso(joined)))
    con.executemany("INSERT INTO accounts (id, username, acct_key, display_name, note, note_html, fields, locked,"
                    " bot, discoverable, organisation, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    accounts)
    con.executemany("INSERT INTO follows (id, show_reblogs, notify, account_id, target_account_id, created_at)"
                    " VALUES (?,?,?,?,?,?)", follows)
    con.execute("UPDATE accounts SET followers_count = ? WHERE id = ?", (n_followers, org_id))
    fans = [a[0] for a in accounts]
    posts, favourites, reblogs, replies, links, link_days = [], [], [], [], [], []
    for day in range(365):
        for k in range(10):
            at = year_ago + timedelta(days=day, hours=9 + k)
            sid = id_at(at)
            posts.append((sid, org_id, 1, f"안양시 소식 {day}-{k}", "<p>안양시 소식</p>", "", 0, "ko", "public",
                          None, None, None, iso(at)))
            if k == 0:
                link_id = id_at(at)
                links.append((link_id, f"l{day}", f"https://anyang.example/{day}", org_id, sid, iso(at)))
                for d in range(3):
                    link_days.append((link_id, (at.astimezone(SEOUL) + timedelta(days=d)).date().isoformat(),
                                      rng.randint(5, 200)))
            for who in rng.sample(fans, 80):
                when = at + timedelta(minutes=rng.expovariate(1 / 300))
                favourites.append((id_at(when), who, sid, iso(when)))
            for who in rng.sample(fans, 8):
                when = at + timedelta(minutes=rng.expovariate(1 / 300))
                reblogs.append((id_at(when), who, 1, "", "", "", 0, "ko", "public", None, None, sid, iso(when)))
            for who in rng.sample(fans, 5):
                when = at + timedelta(minutes=rng.expovariate(1 / 120))
                replies.append((id_at(when), who, 1, "@anyanglove 감사합니다", "<p>감사합니다</p>", "", 0, "ko",
                                "public", sid, org_id, None, iso(when)))
    status_sql = ("INSERT INTO statuses (id, account_id, local, text, content, spoiler_text, sensitive, language,"
                  " visibility, in_reply_to_id, in_reply_to_account_id, reblog_of_id, created_at)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
    con.executemany(status_sql, posts)
    con.executemany(status_sql, reblogs)
    con.executemany(status_sql, replies)
    con.executemany("INSERT INTO favourites (id, account_id, status_id, created_at) VALUES (?,?,?,?)", favourites)
    con.executemany("INSERT INTO short_links (id, code, url, account_id, status_id, created_at) VALUES (?,?,?,?,?,?)",
                    links)
    con.executemany("INSERT INTO short_link_days (link_id, day, clicks) VALUES (?,?,?)", link_days)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return {"followers": n_followers, "posts": len(posts), "favourites": len(favourites), "reblogs": len(reblogs),
            "replies": len(replies), "link_days": len(link_days)}


async def build_daily_rows(url: str, now: datetime) -> dict[str, float]:
    db = Database(url)
    t0 = time.perf_counter()
    runs = 1
    while await rollup_analytics(db, now=now):
        runs += 1
    backfill = time.perf_counter() - t0
    t0 = time.perf_counter()
    await rollup_analytics(db, now=now)  # what the hourly job does once the year is in
    hourly = time.perf_counter() - t0
    async with db.read() as s:
        from sqlalchemy import func, select

        from madang.models.analytics import AccountDay, AccountHour, StatusDay

        counts = {m.__tablename__: int(await s.scalar(select(func.count()).select_from(m)))
                  for m in (AccountDay, AccountHour, StatusDay)}
    await db.dispose()
    return {"backfill_runs": runs, "backfill_s": round(backfill, 2), "hourly_run_ms": round(hourly * 1000, 1), **counts}


async def measure(url: str, staff_id: int, runs: int, today) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from madang.models import Account

    db = Database(url)
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        async with db.read() as s:
            staff = await s.get(Account, staff_id)
            board = await organisation_board(s, staff=staff, start=today - timedelta(days=364), end=today)
        timings.append((time.perf_counter() - t0) * 1000)
    await db.dispose()
    timings.sort()
    summary = board.summary
    return {"runs": runs, "p50_ms": round(statistics.median(timings), 2),
            "p99_ms": round(timings[int(0.99 * (runs - 1))], 2), "days": len(summary.days),
            "favourites": summary.total("favourites_received"), "followers_end": summary.followers_end,
            "top_posts": len(summary.top_posts)}


def measure_http(url: str, runs: int, today) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from tests.support.server import running_server
    from tests.web.client import WebClient

    with running_server(url, embedded_worker=False) as base:
        web = WebClient(base)
        assert web.sign_in("office_reader", STAFF_PASSWORD).status_code == 303
        path = f"/office/analytics?from={today - timedelta(days=364)}&to={today}"
        assert web.get(path).status_code == 200
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = web.get(path)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        size = len(response.content)
        web.close()
    timings.sort()
    return {"runs": runs, "p50_ms": round(statistics.median(timings), 2),
            "p99_ms": round(timings[int(0.99 * (runs - 1))], 2), "page_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(args.db) + suffix).unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{args.db}"
    upgrade(url)
    now = datetime.now(timezone.utc)
    today = now.astimezone(SEOUL).date()
    org_id, staff_id = asyncio.run(setup_org(url))
    t0 = time.perf_counter()
    print("seeded", seed(args.db, org_id, args.followers, now), f"in {time.perf_counter() - t0:.1f}s")
    print("rollup", asyncio.run(build_daily_rows(url, now)))
    print("use case, a year", asyncio.run(measure(url, staff_id, args.runs, today)))
    if not args.no_http:
        print("page over HTTP, a year", measure_http(url, args.runs, today))


if __name__ == "__main__":
    main()
