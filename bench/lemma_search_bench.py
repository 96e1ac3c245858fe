"""Search by lemma (decision 0061): what it costs per post, in the index, per search, in memory.

    .venv/bin/python bench/lemma_search_bench.py --statuses 100000 --db sqlite
    .venv/bin/python bench/lemma_search_bench.py --statuses 100000 --db both --rounds 300
    .venv/bin/python bench/lemma_search_bench.py --memory-only

1. Analysis: the synthetic Korean posts of bench/search_bench.py, each cut into bigrams only
   (`document_terms`, as before) and into bigrams and lemmas (`index_terms`): time per post and
   rows per post.
2. Index growth: bench/search_bench.py's seed built twice on SQLite (bigrams only, then with
   lemmas), the files compared; PostgreSQL (with --db both) with lemmas, the table's size.
   Per 100k posts, and ×10 for 1M (extrapolated: the index is rows per post × posts).
3. Search p50/p99 through the real use case on the seed with lemmas: the kinds of
   bench/search_bench.py, and queries by dictionary form and inflected; each search is run
   twice in a row, with lemmas and with the bigrams alone (the search before this change).
   `--measure-only` measures an existing seed (--folder) without building it again.
4. Memory (also alone with --memory-only): `madang serve` on an empty database, RSS idle after
   the requests of bench/idle_memory.py, then after the first search that loads the analyser (a
   guest's /api/v2/search whose words are found by lemma only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import search_bench  # noqa: E402
import server  # noqa: E402

from madang.text.lemmas import index_terms, warm  # noqa: E402
from madang.text.search_terms import document_terms  # noqa: E402

BY_LEMMA = ["불편하다", "확인하다", "궁금하다", "조심하다", "다녀오다", "공유하다", "알리다", "감사하다", "좋다",
            "부탁드리다"]
INFLECTED = ["불편해서", "확인해 줘", "궁금했어요", "조심해요", "다녀왔다", "알려 주세요", "좋았어요", "공사 불편해요",
             "버스 확인했어요", "축제 다녀왔어요"]


def analysis(n: int) -> dict[str, float]:
    import random

    rng = random.Random(3)
    pw, nw = search_bench.zipf_weights(len(search_bench.PLACES)), search_bench.zipf_weights(len(search_bench.NOUNS))
    posts = [search_bench.korean_post(rng, pw, nw) for _ in range(n)]
    t0 = time.perf_counter()
    warm()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    bigram_rows = sum(len(document_terms(p)) for p in posts)
    bigram_us = (time.perf_counter() - t0) / n * 1e6
    t0 = time.perf_counter()
    all_rows = sum(len(index_terms(p)) for p in posts)
    all_us = (time.perf_counter() - t0) / n * 1e6
    return {"posts": n, "load_s": load, "bigram_us": bigram_us, "with_lemmas_us": all_us,
            "bigram_rows": bigram_rows / n, "all_rows": all_rows / n}


def seed(path: str, n: int, accounts: int, with_lemmas: bool) -> tuple[list[int], float]:
    search_bench.document_terms = index_terms if with_lemmas else document_terms  # what the seed indexes
    t0 = time.perf_counter()
    ids = search_bench.seed_sqlite(path, accounts, n, 8)
    return ids, time.perf_counter() - t0


async def measure(url: str, accounts: list[int], rounds: int) -> dict[str, dict[str, float]]:
    import random

    from madang.db import Database
    from madang.search import StatusSearch, search_statuses

    rng = random.Random(10)
    db = Database(url, pool_size=2)
    kinds = {"two-syllable": search_bench.TWO_SYLLABLE, "longer": search_bench.LONGER,
             "unrelated pairs": search_bench.RARE_PAIRS, "dictionary form": BY_LEMMA, "inflected": INFLECTED}
    results = {}
    try:
        async with db.read() as s:
            for qs in kinds.values():
                for q in qs:
                    await search_statuses(s, viewer_id=accounts[0], search=StatusSearch(query=q))
        import madang.search.statuses as searching

        with_lemmas = searching.query_lemma_groups
        for kind, queries in kinds.items():
            # Each search twice in a row, with lemmas and with the bigrams alone (as before this
            # change), so a loaded machine weighs on both alike.
            for variant in ("lemmas", "bigrams only"):
                results[f"{kind}, {variant}"] = {"times": [], "hits": []}
            for i in range(rounds):
                viewer, query = rng.choice(accounts), queries[i % len(queries)]
                for variant in ("lemmas", "bigrams only"):
                    searching.query_lemma_groups = with_lemmas if variant == "lemmas" else (lambda q: [])
                    t0 = time.perf_counter()
                    async with db.read() as s:
                        found = await search_statuses(s, viewer_id=viewer, search=StatusSearch(query=query))
                    results[f"{kind}, {variant}"]["times"].append((time.perf_counter() - t0) * 1000)
                    results[f"{kind}, {variant}"]["hits"].append(len(found))
            searching.query_lemma_groups = with_lemmas
        for key, r in results.items():
            times = sorted(r["times"])
            results[key] = {"p50": statistics.median(times), "p99": times[min(len(times) - 1, int(len(times) * .99))],
                            "max": times[-1], "hits": statistics.mean(r["hits"])}
    finally:
        await db.dispose()
    return results


def report(name: str, results: dict[str, dict[str, float]]) -> None:
    for kind, r in results.items():
        print(f"  {name:10} {kind:30} p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  max {r['max']:7.2f} ms  "
              f"(mean hits {r['hits']:.1f})", flush=True)


def memory(idle: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="lemma-mem-"))
    db = folder / "m.sqlite3"
    env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    import subprocess

    subprocess.run([str(server.MADANG), "migrate"], env=env, check=True, capture_output=True)
    s = server.start(str(db), command=[str(server.MADANG), "serve"])
    try:
        for path in ["/.well-known/nodeinfo", "/nodeinfo/2.0", "/api/v1/instance", "/"]:
            urllib.request.urlopen(s.url + path, timeout=10).read()
        time.sleep(idle)
        before = server.memory(s.proc.pid)["total"]
        t0 = time.perf_counter()
        q = urllib.parse.quote("안양시청에서")  # no account as typed: the lemma forms are tried
        urllib.request.urlopen(f"{s.url}/api/v2/search?q={q}", timeout=30).read()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        urllib.request.urlopen(f"{s.url}/api/v2/search?q={q}", timeout=30).read()
        second = time.perf_counter() - t0
        time.sleep(3)
        after = server.memory(s.proc.pid)["total"]
        print(f"memory: idle RSS {before['rss']:.1f} MiB (PSS {before['pss']:.1f}); after the first search by lemma "
              f"RSS {after['rss']:.1f} MiB (PSS {after['pss']:.1f}), +{after['rss'] - before['rss']:.1f} MiB; "
              f"first search {first * 1000:.0f} ms, second {second * 1000:.0f} ms", flush=True)
    finally:
        s.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--statuses", type=int, default=100_000)
    p.add_argument("--accounts", type=int, default=2_000)
    p.add_argument("--rounds", type=int, default=300)
    p.add_argument("--analyse", type=int, default=20_000, help="posts analysed for the time per post")
    p.add_argument("--db", choices=["sqlite", "both"], default="sqlite")
    p.add_argument("--folder", default="/tmp/madang-lemma-bench")
    p.add_argument("--idle", type=float, default=15)
    p.add_argument("--memory-only", action="store_true")
    p.add_argument("--measure-only", action="store_true", help="search the SQLite seed already in --folder")
    args = p.parse_args()
    if not args.memory_only:
        a = analysis(args.analyse)
        print(f"analysis of {a['posts']:,} posts: analyser load {a['load_s']:.2f} s; bigrams only "
              f"{a['bigram_us']:.0f} µs/post, bigrams + lemmas {a['with_lemmas_us']:.0f} µs/post; rows per post "
              f"{a['bigram_rows']:.1f} → {a['all_rows']:.1f} (+{100 * (a['all_rows'] / a['bigram_rows'] - 1):.0f}%)",
              flush=True)
        n = args.statuses
        plain, lemma = os.path.join(args.folder, "bigrams.sqlite3"), os.path.join(args.folder, "lemmas.sqlite3")
        if args.measure_only:
            import sqlite3

            with sqlite3.connect(lemma) as c:
                accounts = [r[0] for r in c.execute("SELECT id FROM accounts ORDER BY id")]
            report("sqlite", asyncio.run(measure(f"sqlite+aiosqlite:///{lemma}", accounts, args.rounds)))
            return
        _, t_plain = seed(plain, n, args.accounts, with_lemmas=False)
        accounts, t_lemma = seed(lemma, n, args.accounts, with_lemmas=True)
        import sqlite3

        def rows(path: str) -> int:
            with sqlite3.connect(path) as c:
                return c.execute("SELECT count(*) FROM status_search_terms").fetchone()[0]

        s_plain, s_lemma = os.path.getsize(plain), os.path.getsize(lemma)
        r_plain, r_lemma = rows(plain), rows(lemma)
        print(f"sqlite, {n:,} posts: index {r_plain:,} → {r_lemma:,} rows; file {s_plain / 1e6:.0f} → "
              f"{s_lemma / 1e6:.0f} MB (+{(s_lemma - s_plain) / 1e6:.0f} MB); seeding {t_plain:.0f} → {t_lemma:.0f} s. "
              f"Per 1M posts (×{1_000_000 / n:g}, extrapolated): +{(r_lemma - r_plain) * 1_000_000 / n / 1e6:.1f}M rows, "
              f"+{(s_lemma - s_plain) * 1_000_000 / n / 1e9:.2f} GB", flush=True)
        report("sqlite", asyncio.run(measure(f"sqlite+aiosqlite:///{lemma}", accounts, args.rounds)))
        if args.db == "both":
            from madang.db.migrate import upgrade
            from tests.support import pgserver

            pg = pgserver.start()
            try:
                pg.psql("CREATE DATABASE lemma_bench")
                url = pg.url("lemma_bench")
                upgrade(url)
                search_bench.document_terms = index_terms
                accounts = asyncio.run(search_bench.seed_postgres(url, args.accounts, n, 8))
                report("postgresql", asyncio.run(measure(url, accounts, args.rounds)))
            finally:
                pg.stop()
    memory(args.idle)


if __name__ == "__main__":
    main()
