"""A post's write unit on its own, in process: where its milliseconds go, without HTTP.

    .venv/bin/python bench/post_unit.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv [--posts 2000] [--writer-mmap-mib 0] [--writer-cache-kib 4000]

Runs ``create_status`` for --posts posts by rotating authors (the same texts as
bench/wrk/post.lua), --group posts to a write unit, as `POST /api/v1/statuses` does
under load (db.group_commit), and prints the
mean and p99 of the unit and the share of each SQL statement and of the COMMIT, timed
around the driver calls. The pragmas let one compare writer settings in one run. It writes
to the database it is given: use a bench copy.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from madang.accounts import get_account
from madang.db.database import Database
from madang.statuses.composing import prepare_text
from madang.statuses.create import Site, create_status

TEXTS = [
    "안양천 산책로에 벚꽃이 활짝 피었어요. 다들 좋은 하루 보내세요.",
    "평촌 학원가 앞 횡단보도 신호가 너무 짧아요. 시청에 민원 넣었습니다. #안양",
    "범계역 지하상가 새 빵집 다녀왔어요. 소금빵이 맛있네요!",
    "관악산 등산로 정비가 끝났다고 합니다. 주말에 가 보려고요. #안양 #동네소식",
]


class TimedConnection:
    """Wraps the writer's sqlite3 connection: time per statement (first 40 characters)."""

    def __init__(self, raw, times: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
        self._raw, self._times = raw, times

    def _timed(self, name: str, sql: str, *args):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return getattr(self._raw, name)(sql, *args)
        finally:
            self._times[" ".join(sql.split())[:48]] += time.perf_counter() - t0

    def execute(self, sql, *args):  # type: ignore[no-untyped-def]
        return self._timed("execute", sql, *args)

    def executemany(self, sql, *args):  # type: ignore[no-untyped-def]
        return self._timed("executemany", sql, *args)

    def commit(self) -> None:
        t0 = time.perf_counter()
        self._raw.commit()
        self._times["COMMIT"] += time.perf_counter() - t0

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._raw, name)


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--posts", type=int, default=2000)
    p.add_argument("--authors", type=int, default=200)
    p.add_argument("--writer-mmap-mib", type=int)
    p.add_argument("--writer-cache-kib", type=int)
    p.add_argument("--checkpoint", action="store_true", help="background checkpoints, as a server runs")
    p.add_argument("--statements", action="store_true", help="time each statement (adds a little overhead)")
    p.add_argument("--profile", action="store_true", help="cProfile the loop; prints the top functions")
    p.add_argument("--group", type=int, default=1, help="posts per write unit (what group commit would give)")
    args = p.parse_args()
    authors = [int(line.split("\t")[0]) for line in Path(args.tokens).read_text().splitlines()[1:args.authors + 1]]
    db = Database(f"sqlite+aiosqlite:///{args.db}")
    if args.checkpoint:
        db.checkpoint_in_background()
    raw = db._inline_writer.raw_connection()
    try:
        if args.writer_mmap_mib is not None:
            raw.driver_connection.execute(f"PRAGMA mmap_size = {args.writer_mmap_mib * 1024 * 1024}")
        if args.writer_cache_kib is not None:
            raw.driver_connection.execute(f"PRAGMA cache_size = -{args.writer_cache_kib}")
    finally:
        raw.close()
    times: dict[str, float] = defaultdict(float)
    if args.statements:
        from sqlalchemy import event

        @event.listens_for(db._inline_writer, "connect")
        def _never(*_a):  # type: ignore[no-untyped-def]  # the pool keeps its one connection
            raise AssertionError("writer reconnected")

        pooled = db._inline_writer.pool.connect()
        record = pooled._connection_record
        record.dbapi_connection = TimedConnection(record.dbapi_connection, times)
        pooled.close()
    site = Site(base_url="http://127.0.0.1:8000", domain="127.0.0.1:8000")
    # As the route: the author comes from the token cache, not from the write unit.
    async with db.read() as session:
        cached = {a: await get_account(session, a) for a in authors}
    units = []
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    t_all = time.perf_counter()
    cpu_all = time.process_time()
    for first in range(0, args.posts, args.group):
        t0 = time.perf_counter()

        def work(i: int):  # type: ignore[no-untyped-def]
            text = f"{TEXTS[i % len(TEXTS)]} ({i}-{time.time_ns()})"
            prepared = prepare_text(text, "", max_characters=site.max_characters)  # before the unit, as the route

            async def post(session):  # type: ignore[no-untyped-def]
                return await create_status(session, site=site, author=cached[authors[i % len(authors)]],
                                           text=text, visibility="public", prepared=prepared)
            return post

        # As many posts waiting at once as --group: they share a unit (db.group_commit).
        await asyncio.gather(*(db.write_grouped(work(i)) for i in range(first, min(first + args.group, args.posts))))
        units.append((time.perf_counter() - t0) / args.group)
    wall, cpu = time.perf_counter() - t_all, time.process_time() - cpu_all
    if args.profile:
        import pstats
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    await db.dispose()
    units.sort()
    print(f"{args.posts} posts: unit mean {statistics.mean(units) * 1000:.3f} ms, "
          f"p50 {units[len(units) // 2] * 1000:.3f}, p99 {units[int(len(units) * .99)] * 1000:.3f} ms; "
          f"{args.posts / wall:.0f} units/s, CPU {cpu / args.posts * 1000:.3f} ms a post")
    if times:
        total = sum(units)
        for sql, spent in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {spent / args.posts * 1000:7.3f} ms  {spent / total * 100:5.1f}%  {sql}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
