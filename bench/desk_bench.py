"""The desk at scale: 100,000 cases and 1,000,000 history entries for a demo-like organisation in
a fresh SQLite file, then the dashboard's queries timed in process (p50/p99 over repeated runs).

    .venv/bin/python bench/desk_bench.py --db /tmp/madang-desk/desk.db [--cases 100000] [--runs 50]

Seeding uses executemany on the migrated file (not the use cases one by one). Cases are spread
over the two years before now; ~10 history entries each; 3% still open, some overdue.
TODO (not done yet): the same pages under wrk (bench/wrk/desk_*.lua) with a staff token.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from madang.db import Database  # noqa: E402
from madang.db.migrate import upgrade  # noqa: E402
from madang.desk import stats  # noqa: E402
from madang.desk.organisations import add_department, add_staff  # noqa: E402
from madang.desk.deadlines import working_time_between  # noqa: E402
from madang.desk.stats import default_range  # noqa: E402

DEPARTMENTS = [("문화", "culture"), ("복지", "welfare"), ("교육", "education"), ("교통", "transport"),
               ("환경", "environment"), ("안전", "safety")]
CATEGORIES = ["streetlight", "pothole", "noise", "garbage", "parking", "park", "bus", "welfare_info"]
OPEN = ["received", "assigned", "in_progress", "waiting_for_citizen", "transferred"]


async def setup_org(url: str) -> tuple[int, int, list[int]]:
    from tests.factories import make_account  # the test factory makes real accounts quickly

    db = Database(url)
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        staff = await make_account(s, username="dongwook_seo")
        departments = [await add_department(s, organisation=org, name=n, code=c) for n, c in DEPARTMENTS]
        await add_staff(s, organisation=org, account=staff, role="triager")
        ids = (org.id, staff.id, [d.id for d in departments])
    await db.dispose()
    return ids


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, org_id: int, staff_id: int, departments: list[int], n_cases: int) -> None:
    rng = random.Random(6)
    now = datetime.now(timezone.utc)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    case_id = event_id = 10**15
    cases, events = [], []
    per_year: dict[int, int] = {}
    for i in range(n_cases):
        received = now - timedelta(days=730) + timedelta(seconds=i * 730 * 86400 / n_cases)
        year = received.year
        per_year[year] = per_year.get(year, 0) + 1
        case_id += 1
        still_open = rng.random() < 0.03
        status = rng.choice(OPEN) if still_open else rng.choice(["answered", "closed"])
        due = received + timedelta(days=7)
        response = received + timedelta(hours=rng.uniform(0.2, 60))
        answered = None if still_open else response + timedelta(hours=rng.uniform(0, 100))
        # As desk.durations keeps them: the first response (the ask_citizen event below, at
        # +9 h, or the answer if sooner) and the answer, in working hours.
        first_at = min(received + timedelta(hours=9), answered) if answered else received + timedelta(hours=9)
        first_hours = working_time_between(received, first_at).total_seconds() / 3600
        resolution_hours = working_time_between(received, answered).total_seconds() / 3600 if answered else None
        cases.append((case_id, org_id, f"{year}-{per_year[year]:06d}", "web", "question_procedure",
                      rng.choice(CATEGORIES), rng.choice(departments), None, None, "가로등이 고장났어요",
                      iso(received), iso(due), status, iso(answered) if answered else None, iso(received),
                      iso(received), iso(first_at), first_hours, resolution_hours))
        actions = ["opened", "assign", "start", "ask_citizen", "citizen_replied", "answer", "rate", "close",
                   "extend", "assign"]
        for k, action in enumerate(actions):
            event_id += 1
            at = received + timedelta(hours=k * 3) if action not in ("answer",) else (answered or response)
            events.append((event_id, case_id, staff_id, iso(at), action, None, status, ""))
        if len(events) >= 200_000:
            flush(con, cases, events)
            cases, events = [], []
    flush(con, cases, events)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def flush(con: sqlite3.Connection, cases: list, events: list) -> None:
    con.executemany(
        "INSERT INTO desk_cases (id, organisation_id, number, channel, kind, category, department_id, assignee_id,"
        " citizen_id, description, received_at, due_at, status, answered_at, created_at, updated_at,"
        " first_response_at, first_response_hours, resolution_hours)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cases)
    con.executemany(
        "INSERT INTO desk_case_events (id, case_id, actor_id, at, action, from_status, to_status, note)"
        " VALUES (?,?,?,?,?,?,?,?)", events)


async def measure(url: str, staff_id: int, runs: int) -> dict[str, float]:
    from madang.models import Account

    db = Database(url)
    start, end = default_range()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        async with db.read() as s:
            staff = await s.get(Account, staff_id)
            board = await stats.dashboard(s, staff=staff, start=start, end=end)
        timings.append((time.perf_counter() - t0) * 1000)
    await db.dispose()
    timings.sort()
    return {"runs": runs, "p50_ms": statistics.median(timings), "p99_ms": timings[int(0.99 * (runs - 1))],
            "weekly_rows": len(board.times.by_department) if board.times else 0, "open": board.counts.total,
            "overdue": board.overdue_total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    args.db.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{args.db}"
    upgrade(url)
    org_id, staff_id, departments = asyncio.run(setup_org(url))
    t0 = time.perf_counter()
    seed(args.db, org_id, staff_id, departments, args.cases)
    print(f"seeded {args.cases} cases, {args.cases * 10} events in {time.perf_counter() - t0:.1f}s")
    print(asyncio.run(measure(url, staff_id, args.runs)))


if __name__ == "__main__":
    main()
