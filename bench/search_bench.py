"""Status search over many Korean statuses: p50 and p99 per kind of query, SQLite and PostgreSQL.

    .venv/bin/python bench/search_bench.py --statuses 1000000 --db both

What it does, per database:
- a fresh migrated database (SQLite file under --folder; PostgreSQL started on a free
  loopback port as tests/support/pgserver.py does, torn down at the end);
- N accounts that follow 20 others each, and S statuses of synthetic Korean text (place
  names, nouns with particles, endings, now and then a Latin word or a number; nouns drawn
  with Zipf weights, so a few are in a tenth of all posts and most are rare), 90% public,
  7% unlisted, 3% followers-only, written with bulk SQL;
- the index built from the statuses with the app's own tokenizer
  (`madang.text.search_terms.document_terms`), loaded in bulk (sorted insert on SQLite,
  COPY then the primary key on PostgreSQL);
- for each kind of query, R searches through the real use case
  (`madang.search.search_statuses`, page of 20, as a random citizen) on one warm
  connection: p50, p99 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from madang.core.ids import id_at  # noqa: E402
from madang.db import Database  # noqa: E402
from madang.db.migrate import upgrade  # noqa: E402
from madang.search import StatusSearch, search_statuses  # noqa: E402
from madang.text.search_terms import document_terms  # noqa: E402

BATCH = 50_000
START = datetime(2025, 1, 1, tzinfo=timezone.utc)

PLACES = ["안양", "평촌", "범계", "인덕원", "비산동", "석수동", "호계동", "관양동", "박달동", "명학역", "안양천",
          "학의천", "수리산", "관악산", "중앙공원", "예술공원", "중앙시장", "안양일번가", "만안구", "동안구", "시청",
          "구청", "주민센터", "보건소", "도서관", "체육관", "평촌역", "범계역", "안양역", "석수역", "군포", "의왕",
          "과천", "수원", "서울", "광명", "시흥", "부천", "안산", "산본"]
NOUNS = ["민원", "공사", "버스", "주차", "쓰레기", "축제", "축구부", "여자축구부", "카페", "맛집", "도로", "자전거",
         "신호등", "횡단보도", "공원", "산책", "날씨", "행사", "학교", "병원", "아이들", "주말", "시장", "벚꽃", "단풍",
         "미세먼지", "분리수거", "가로등", "야시장", "장터", "강좌", "도서", "책", "전시", "공연", "콘서트", "마을버스",
         "지하철", "택시", "소음", "주차장", "놀이터", "어린이집", "경로당", "복지관", "일자리", "청년", "어르신",
         "봉사", "기부", "나눔", "중고", "이사", "월세", "전세", "아파트", "상가", "편의점", "약국", "치과", "소아과",
         "고양이", "강아지", "산책로", "등산", "운동", "요가", "수영장", "헬스장", "배드민턴", "탁구", "야구", "농구",
         "비", "눈", "바람", "더위", "추위", "장마", "태풍", "폭염", "한파", "우산", "마스크", "백신", "검진", "투표",
         "선거", "예산", "조례", "의회", "시장님", "간담회", "설명회", "공청회", "청원", "불편", "개선", "안전",
         "사고", "화재", "침수", "정전", "단수", "누수", "택배", "배달", "분실물", "습득물", "실종", "제보", "칭찬"]
PARTICLES = ["", "", "", "에서", "에", "은", "는", "이", "가", "을", "를", "의", "으로", "로", "도", "까지", "부터", "에게"]
ENDINGS = ["했어요", "있어요", "좋아요", "불편해요", "부탁드립니다", "확인해 주세요", "언제 끝나나요?",
           "감사합니다", "다녀왔어요", "궁금해요", "공유합니다", "알려주세요", "조심하세요", "최고예요"]
LATIN = ["BTS", "iPhone", "KTX", "wifi", "SNS", "NewJeans", "Galaxy", "YouTube", "GTX", "CCTV"]

# Queries per kind; the weights make the first words of each list the most common in the text.
TWO_SYLLABLE = ["안양", "평촌", "범계", "민원", "공사", "버스", "주차", "카페", "맛집", "도로", "공원", "산책",
                "날씨", "행사", "학교", "벚꽃", "단풍", "소음", "청년", "안전", "사고", "화재", "택배", "제보"]
LONGER = ["안양에서", "여자축구부", "축구부", "횡단보도", "중앙공원에서", "안양 민원", "평촌 카페", "버스 공사",
          "마을버스", "미세먼지", "분리수거 요일", "BTS 콘서트", "iPhone 수리", "어린이집", "안양천 산책로",
          "범계역 맛집", "도서관에서", "주민센터", "배드민턴", "화재 제보"]
RARE_PAIRS = ["한파 벚꽃", "폭염 눈", "요가 침수", "투표 택배", "탁구 단수"]


def zipf_weights(n: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(n)]


def korean_post(rng: random.Random, places_w: list[float], nouns_w: list[float]) -> str:
    words = [rng.choices(PLACES, places_w)[0] + rng.choice(PARTICLES)]
    for _ in range(rng.randint(2, 5)):
        noun = rng.choices(NOUNS, nouns_w)[0]
        words.append(noun + rng.choice(PARTICLES))
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), rng.choice(LATIN))
    if rng.random() < 0.1:
        words.append(str(rng.randint(1, 2030)))
    words.append(rng.choice(ENDINGS))
    return " ".join(words)


def generate(n_accounts: int, n_statuses: int, seed: int) -> tuple[list[int], Iterator[list[tuple]]]:
    """Account ids, and batches of (id, account_id, text, visibility, created_at)."""
    rng = random.Random(seed)
    accounts = [id_at(START + timedelta(seconds=i)) for i in range(n_accounts)]
    places_w, nouns_w = zipf_weights(len(PLACES)), zipf_weights(len(NOUNS))
    span = timedelta(days=365) / max(1, n_statuses)

    def batches() -> Iterator[list[tuple]]:
        batch: list[tuple] = []
        for i in range(n_statuses):
            when = START + timedelta(days=2) + span * i
            roll = rng.random()
            visibility = "public" if roll < 0.90 else "unlisted" if roll < 0.97 else "private"
            batch.append((id_at(when), rng.choice(accounts), korean_post(rng, places_w, nouns_w), visibility, when))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
    return accounts, batches()


def follow_pairs(accounts: list[int], seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed + 1)
    pairs = set()
    for a in accounts:
        for b in rng.sample(accounts, min(20, len(accounts) - 1)):
            if a != b:
                pairs.add((a, b))
    return sorted(pairs)


def log(msg: str) -> None:
    print(f"[search-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ts(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


# --- SQLite ----------------------------------------------------------------------------

def seed_sqlite(path: str, n_accounts: int, n_statuses: int, seed: int) -> list[int]:
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    upgrade(f"sqlite+aiosqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = MEMORY", "synchronous = OFF", "cache_size = -2000000", "temp_store = FILE",
                   "foreign_keys = OFF"):
        conn.execute(f"PRAGMA {pragma}")
    accounts, batches = generate(n_accounts, n_statuses, seed)
    now = ts(START)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO accounts (id, username, acct_key, display_name, note, note_html, fields, locked, bot, "
        "discoverable, indexable, organisation, created_at, updated_at, statuses_count, followers_count, "
        "following_count) VALUES (?, ?, ?, ?, '', '', '[]', 0, 0, 1, 1, 0, ?, ?, 0, 0, 0)",
        [(a, f"c{i}", f"c{i}", f"안양 시민 {i}", now, now) for i, a in enumerate(accounts)])
    conn.executemany(
        "INSERT INTO follows (id, show_reblogs, notify, account_id, target_account_id, created_at) "
        "VALUES (?, 1, 0, ?, ?, ?)",
        [(id_at(START + timedelta(days=1, milliseconds=k)), a, b, now)
         for k, (a, b) in enumerate(follow_pairs(accounts, seed))])
    conn.execute("COMMIT")
    # Terms go to a plain table first, then into the index in key order: a sorted insert
    # into the WITHOUT ROWID B-tree instead of thirty million random ones.
    conn.execute("CREATE TEMP TABLE terms_load (term TEXT, status_id INTEGER)")
    t0, done = time.perf_counter(), 0
    for batch in batches:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO statuses (id, account_id, local, text, content, spoiler_text, sensitive, visibility, "
            "language, created_at, replies_count, reblogs_count, favourites_count) "
            "VALUES (?, ?, 1, ?, '', '', 0, ?, 'ko', ?, 0, 0, 0)",
            [(sid, aid, text, vis, ts(when)) for sid, aid, text, vis, when in batch])
        conn.executemany("INSERT INTO temp.terms_load VALUES (?, ?)",
                         [(term, sid) for sid, _, text, _, _ in batch for term in document_terms(text, "")])
        conn.execute("COMMIT")
        done += len(batch)
        if done % 200_000 == 0 or done == n_statuses:
            log(f"sqlite: {done:,} statuses written ({time.perf_counter() - t0:.0f} s)")
    t1 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO status_search_terms (term, status_id) "
                 "SELECT term, status_id FROM temp.terms_load ORDER BY term, status_id")
    conn.execute("COMMIT")
    rows = conn.execute("SELECT count(*) FROM status_search_terms").fetchone()[0]
    log(f"sqlite: index of {rows:,} rows built in {time.perf_counter() - t1:.0f} s")
    conn.execute("DROP TABLE temp.terms_load")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    log(f"sqlite: file {os.path.getsize(path) / 1e9:.2f} GB")
    return accounts


# --- PostgreSQL --------------------------------------------------------------------------

async def seed_postgres(url: str, n_accounts: int, n_statuses: int, seed: int) -> list[int]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    accounts, batches = generate(n_accounts, n_statuses, seed)
    await conn.copy_records_to_table(
        "accounts", columns=["id", "username", "acct_key", "display_name", "note", "note_html", "fields", "locked",
                             "bot", "discoverable", "indexable", "organisation", "created_at", "updated_at",
                             "statuses_count", "followers_count", "following_count"],
        records=[(a, f"c{i}", f"c{i}", f"안양 시민 {i}", "", "", "[]", False, False, True, True, False, START, START,
                  0, 0, 0) for i, a in enumerate(accounts)])
    await conn.copy_records_to_table(
        "follows", columns=["id", "show_reblogs", "notify", "account_id", "target_account_id", "created_at"],
        records=[(id_at(START + timedelta(days=1, milliseconds=k)), True, False, a, b, START)
                 for k, (a, b) in enumerate(follow_pairs(accounts, seed))])
    # The primary key is built once after the load, as a restore would.
    await conn.execute("ALTER TABLE status_search_terms DROP CONSTRAINT pk_status_search_terms")
    t0, done = time.perf_counter(), 0
    for batch in batches:
        await conn.copy_records_to_table(
            "statuses", columns=["id", "account_id", "local", "text", "content", "spoiler_text", "sensitive",
                                 "visibility", "language", "created_at", "replies_count", "reblogs_count",
                                 "favourites_count"],
            records=[(sid, aid, True, text, "", "", False, vis, "ko", when, 0, 0, 0)
                     for sid, aid, text, vis, when in batch])
        await conn.copy_records_to_table(
            "status_search_terms", columns=["term", "status_id"],
            records=[(term, sid) for sid, _, text, _, _ in batch for term in document_terms(text, "")])
        done += len(batch)
        if done % 200_000 == 0 or done == n_statuses:
            log(f"postgresql: {done:,} statuses written ({time.perf_counter() - t0:.0f} s)")
    t1 = time.perf_counter()
    await conn.execute("ALTER TABLE status_search_terms ADD CONSTRAINT pk_status_search_terms "
                       "PRIMARY KEY (term, status_id)")
    await conn.execute("VACUUM ANALYZE")
    rows = await conn.fetchval("SELECT count(*) FROM status_search_terms")
    size = await conn.fetchval("SELECT pg_database_size(current_database())")
    log(f"postgresql: index of {rows:,} rows built in {time.perf_counter() - t1:.0f} s; database {size / 1e9:.2f} GB")
    await conn.close()
    return accounts


# --- measuring -----------------------------------------------------------------------------

async def measure(url: str, accounts: list[int], rounds: int, seed: int) -> dict[str, dict[str, float]]:
    rng = random.Random(seed + 2)
    db = Database(url, pool_size=2)
    results: dict[str, dict[str, float]] = {}
    try:
        async with db.read() as s:  # warm the caches once, as a running server is
            for q in TWO_SYLLABLE + LONGER + RARE_PAIRS:
                await search_statuses(s, viewer_id=accounts[0], search=StatusSearch(query=q))
        for kind, queries in (("two-syllable", TWO_SYLLABLE), ("longer", LONGER), ("unrelated word pairs (AND)",
                                                                                   RARE_PAIRS)):
            times, hits = [], []
            for i in range(rounds):
                query = queries[i % len(queries)]
                viewer = rng.choice(accounts)
                t0 = time.perf_counter()
                async with db.read() as s:
                    found = await search_statuses(s, viewer_id=viewer, search=StatusSearch(query=query))
                times.append((time.perf_counter() - t0) * 1000)
                hits.append(len(found))
            times.sort()
            results[kind] = {"p50": statistics.median(times), "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
                             "max": times[-1], "mean_hits": statistics.mean(hits), "n": len(times)}
    finally:
        await db.dispose()
    return results


def report(name: str, results: dict[str, dict[str, float]]) -> None:
    for kind, r in results.items():
        print(f"{name:10} {kind:28} p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  max {r['max']:7.2f} ms  "
              f"(n={r['n']}, mean hits {r['mean_hits']:.1f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statuses", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=500, help="searches per kind of query")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--folder", default="/tmp/madang-search-bench")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    print(f"search over {args.statuses:,} statuses by {args.accounts:,} accounts, {args.rounds} searches per kind",
          flush=True)
    if args.db in ("sqlite", "both"):
        path = os.path.join(args.folder, "search.sqlite3")
        t0 = time.perf_counter()
        accounts = seed_sqlite(path, args.accounts, args.statuses, args.seed)
        log(f"sqlite: seeded in {time.perf_counter() - t0:.0f} s")
        report("sqlite", asyncio.run(measure(f"sqlite+aiosqlite:///{path}", accounts, args.rounds, args.seed)))
    if args.db in ("postgresql", "both"):
        from tests.support import pgserver

        server = pgserver.start()
        try:
            server.psql("CREATE DATABASE search_bench")
            url = server.url("search_bench")
            t0 = time.perf_counter()
            upgrade(url)
            accounts = asyncio.run(seed_postgres(url, args.accounts, args.statuses, args.seed))
            log(f"postgresql: seeded in {time.perf_counter() - t0:.0f} s")
            report("postgresql", asyncio.run(measure(url, accounts, args.rounds, args.seed)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
