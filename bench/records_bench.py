"""Exporting 100,000 posts of one organisation account to a records ZIP: wall time and memory.

    .venv/bin/python bench/records_bench.py --db /tmp/madang-records/records.db [--posts 100000] [--batch 1000]

Seeds a fresh migrated SQLite file with executemany (as bench/desk_bench.py does): the
organisation (@anyanglove) with an office admin, N posts over the year before now, each with
its first revision (status_edits, as create_status writes it); every 10th post edited once (a
second revision), 1% deleted, 5% direct messages. Then runs madang.records.export_records to a
temporary file twice, in this process:

1. plain: wall time, and the process's peak RSS (ru_maxrss) before and after;
2. under tracemalloc: the peak of Python allocations during the export (slower: the timing of
   this run is not the number to quote).

Then checks the archive with verify_export (also timed). Prints one JSON line of results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from madang.core.ids import id_at  # noqa: E402
from madang.db import Database  # noqa: E402
from madang.db.migrate import upgrade  # noqa: E402
from madang.records import Scope, export_records, verify_export  # noqa: E402

WORDS = ["안양천", "산책로", "시민", "여러분", "오늘", "평촌", "중앙공원", "축제", "버스", "노선", "변경", "안내",
         "드립니다", "도서관", "휴관", "주차장", "공사", "일정", "참여", "부탁드립니다", "#안양", "#안양시"]


async def setup(url: str) -> tuple[int, int]:
    from tests.factories import make_account  # real accounts through the use cases
    from madang.desk.organisations import add_staff

    db = Database(url)
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
        admin = await make_account(s, username="records_admin")
        await add_staff(s, organisation=org, account=admin, role="office_admin")
        ids = (org.id, admin.id)
    await db.dispose()
    return ids


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, org_id: int, n_posts: int) -> None:
    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=365)
    step = timedelta(seconds=365 * 86400 / n_posts)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    statuses, edits = [], []
    for k in range(n_posts):
        when = start + step * k
        sid = id_at(when)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
        html = f"<p>{text}</p>"
        visibility = "direct" if k % 20 == 0 else "public"
        deleted = stamp(when + timedelta(hours=1)) if k % 100 == 1 else None
        edited_at = when + timedelta(minutes=10) if k % 10 == 3 else None
        final = text + " (수정)" if edited_at else text
        statuses.append((sid, org_id, f"https://madang.test/users/anyanglove/statuses/{sid}",
                         f"https://madang.test/@anyanglove/{sid}", 1, final, f"<p>{final}</p>", "", 0, "ko",
                         visibility, stamp(when), stamp(edited_at) if edited_at else None, deleted, 0, 0, 0))
        edits.append((id_at(when + timedelta(microseconds=500)), sid, org_id, text, html, "", 0, "ko", stamp(when)))
        if edited_at:
            edits.append((id_at(edited_at), sid, org_id, final, f"<p>{final}</p>", "", 0, "ko", stamp(edited_at)))
        if len(statuses) >= 20_000:
            _flush(con, statuses, edits)
            statuses, edits = [], []
    _flush(con, statuses, edits)
    con.execute("UPDATE accounts SET statuses_count = ? WHERE id = ?", (n_posts, org_id))
    con.commit()
    con.close()


def _flush(con: sqlite3.Connection, statuses: list, edits: list) -> None:
    con.executemany(
        "INSERT INTO statuses (id, account_id, uri, url, local, text, content, spoiler_text, sensitive, language,"
        " visibility, created_at, edited_at, deleted_at, replies_count, reblogs_count, favourites_count)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", statuses)
    con.executemany(
        "INSERT INTO status_edits (id, status_id, account_id, text, content, spoiler_text, sensitive, language,"
        " created_at) VALUES (?,?,?,?,?,?,?,?,?)", edits)
    con.commit()


async def export_once(url: str, admin_id: int, out_path: Path, batch: int) -> dict:
    db = Database(url)
    peaks = {"RssAnon": 0.0, "RssFile": 0.0}

    def progress(done: int, total: int) -> None:  # once a batch: the resident memory then, by kind
        for key, value in rss_parts_mb().items():
            peaks[key] = max(peaks[key], value)

    today = datetime.now(timezone.utc).date()
    try:
        with out_path.open("wb") as out:
            t0 = time.perf_counter()
            result = await export_records(db, organisation="anyanglove", scope=Scope("account", "anyanglove"),
                                          date_from=date(today.year - 2, 1, 1), date_to=today + timedelta(days=1),
                                          actor_id=admin_id, out=out, batch=batch, progress=progress)
            seconds = time.perf_counter() - t0
    finally:
        await db.dispose()
    return {"seconds": round(seconds, 2), "counts": result.counts, "size_bytes": result.size, "rss_during": peaks}


def rss_parts_mb() -> dict[str, float]:
    """Current resident memory split into anonymous (heap) and file-backed pages: SQLite maps
    the database file (mmap_size 256 MB), and pages of it read count in RSS without being heap."""
    parts = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile"):
            parts[key] = round(int(value.split()[0]) / 1024, 1)
    return parts


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{args.db}"
    upgrade(url)
    org_id, admin_id = asyncio.run(setup(url))
    t0 = time.perf_counter()
    seed(args.db, org_id, args.posts)
    seeded = time.perf_counter() - t0

    out_path = Path(tempfile.mkdtemp(prefix="madang-records-bench-")) / "records.zip"
    rss_before = max_rss_mb()
    parts_before = rss_parts_mb()
    plain = asyncio.run(export_once(url, admin_id, out_path, args.batch))
    rss_after = max_rss_mb()
    parts_after = rss_parts_mb()
    t0 = time.perf_counter()
    problems = verify_export(out_path)
    verify_seconds = time.perf_counter() - t0
    tracemalloc.start()
    traced = asyncio.run(export_once(url, admin_id, out_path, args.batch))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    os.unlink(out_path)
    print(json.dumps({
        "posts": args.posts, "batch": args.batch, "seed_seconds": round(seeded, 1),
        "export_seconds": plain["seconds"], "rows_per_second": round(plain["counts"]["posts"] / plain["seconds"]),
        "counts": plain["counts"], "zip_mb": round(plain["size_bytes"] / 2**20, 1),
        "max_rss_mb_before": round(rss_before, 1), "max_rss_mb_after": round(rss_after, 1),
        "max_rss_delta_mb": round(rss_after - rss_before, 1), "rss_before": parts_before, "rss_after": parts_after,
        "rss_peak_during_export": plain["rss_during"],
        "db_mb": round(args.db.stat().st_size / 2**20, 1),
        "tracemalloc_peak_mb": round(peak / 2**20, 1), "traced_export_seconds": traced["seconds"],
        "verify_seconds": round(verify_seconds, 2), "verify_problems": len(problems),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
