"""Autocomplete latency with 초성 (decision 0062) on 10k accounts and 10k tags, SQLite and PostgreSQL.

    .venv/bin/python bench/autocomplete_bench.py [--accounts 10000] [--tags 10000] [--rounds 200] [--db both]

Seeds accounts with Korean display names (two to five syllables drawn from a city's usual ones,
a tenth of them with a space) and romanised usernames, and as many hashtags, with their keys
written as the app writes them (text.hangul_keys). Then times ``search_accounts`` (as
/api/v1/accounts/search calls it, with a viewer) and ``search_tags`` (as /api/v2/search
type=hashtags), each call in its own read unit, for each kind of query: initials (`ㅇ`, `ㅇㅇ`,
`ㅇㅇㅅㅊ`), a partly typed syllable (`안야`), mixed (`안ㅇㅅ`), a whole prefix, a romanised one,
and a query no prefix finds (it falls through to the display-name substring scan). Prints
wall p50 / p99 / max and this process's CPU p50 in ms per kind, beside main's
one-statement search (before 초성) and a trivial statement (the floor), interleaved. PostgreSQL runs on a throwaway server (tests/support/pgserver).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import case, func, insert, literal, or_, select

from madang.db import Database
from madang.db.migrate import upgrade
from madang.models import Account, Tag
from madang.search import search_accounts, search_tags
from madang.search.autocomplete import like_prefix
from madang.text import normalize_tag
from madang.text.hangul_keys import initials_of_key, name_key

SYLLABLES = "안양시청구민센터도서관평촌범계산본동주민복지문화체육공원천역교통버스학교병원시장고양수원성남과천의왕군포"
LATIN = ["anyang", "city", "seoul", "park", "library", "bus", "news", "hall", "kim", "lee", "min", "jun"]
QUERIES = {
    "초성 1 (ㅇ)": "ㅇ", "초성 2 (ㅇㅇ)": "ㅇㅇ", "초성 4 (ㅇㅇㅅㅊ)": "ㅇㅇㅅㅊ", "partly typed (안야)": "안야",
    "mixed (안ㅇㅅ)": "안ㅇㅅ", "prefix (안양시)": "안양시", "romanised (anyang)": "anyang",
    "rare, substring scan (왕군포)": "왕군포",
}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))


async def seed(url: str, n_accounts: int, n_tags: int) -> int:
    rng = random.Random(17)
    now = datetime.now(UTC)
    base = 1 << 40
    rows, seen = [], set()
    for i in range(n_accounts):
        display = _word(rng) + (" " + _word(rng) if i % 10 == 0 else "")
        username = f"{rng.choice(LATIN)}_{rng.choice(LATIN)}{i}"
        key = name_key(display)
        rows.append({"id": base + i, "username": username, "acct_key": username, "display_name": display,
                     "name_key": key, "name_initials": initials_of_key(key), "followers_count": rng.randint(0, 500),
                     "uri": f"https://bench.test/users/{username}", "created_at": now, "updated_at": now})
    tags = []
    while len(tags) < n_tags:
        name = _word(rng) if rng.random() < 0.8 else rng.choice(LATIN) + rng.choice(LATIN) + str(len(tags))
        key = normalize_tag(name)
        if key in seen:
            continue
        seen.add(key)
        tags.append({"id": base * 2 + len(tags), "key": key, "name": name, "initials": initials_of_key(key),
                     "created_at": now})
    db = Database(url)
    try:
        async with db.write() as s:
            for start in range(0, len(rows), 2000):
                await s.execute(insert(Account), rows[start:start + 2000])
            for start in range(0, len(tags), 2000):
                await s.execute(insert(Tag), tags[start:start + 2000])
        if not db.is_sqlite:
            async with db.write() as s:
                from sqlalchemy import text
                await s.execute(text("ANALYZE accounts"))
                await s.execute(text("ANALYZE tags"))
    finally:
        await db.dispose()
    return base  # a viewer


async def _before_accounts(s, query: str) -> list:  # type: ignore[no-untyped-def]
    """main's search before 초성 (one statement: username prefix or display-name substring), for scale."""
    username = query.partition("@")[0].lower()
    stmt = select(Account).where(Account.suspended_at.is_(None), or_(
        Account.acct_key.like(like_prefix(username), escape="\\"),
        func.lower(Account.display_name).like("%" + like_prefix(query.lower()), escape="\\"))).order_by(
        case((Account.acct_key == username, 0), else_=1), Account.followers_count.desc(), Account.id).limit(40)
    return list(await s.scalars(stmt))


async def _floor(s, query: str) -> list:  # type: ignore[no-untyped-def]
    """A read unit and one trivial statement: what any call costs on this machine now."""
    return list(await s.scalars(select(literal(1))))


async def measure(url: str, viewer: int, rounds: int) -> dict[str, dict[str, list[float]]]:
    db = Database(url)
    calls = {
        "accounts": lambda s, q: search_accounts(s, query=q, viewer_id=viewer, limit=40),
        "accounts before (main)": _before_accounts,
        "tags": lambda s, q: search_tags(s, query=q, limit=20),
        "floor (SELECT 1)": _floor,
    }
    out: dict[str, dict[str, list[float]]] = {kind: {} for kind in calls}
    cpu: dict[tuple[str, str], list[float]] = {}
    try:
        for label, query in QUERIES.items():
            found: dict[str, int] = {}
            for _ in range(rounds):  # the kinds interleaved, so load on the machine hits each alike
                for kind, call in calls.items():
                    t0, c0 = time.perf_counter(), time.process_time()
                    async with db.read() as s:
                        found[kind] = len(await call(s, query))
                    out[kind].setdefault(label, []).append((time.perf_counter() - t0) * 1000)
                    cpu.setdefault((kind, label), []).append((time.process_time() - c0) * 1000)
            for kind in calls:
                # The last entries: this process's CPU ms (median; SQLite runs inline, so on SQLite
                # it is the whole cost, whatever else the machine does) and how many were found.
                out[kind][label] += [statistics.median(cpu[kind, label]), float(found[kind])]
    finally:
        await db.dispose()
    return out


def report(name: str, results: dict[str, dict[str, list[float]]]) -> None:
    for kind, by_label in results.items():
        print(f"\n{name}, {kind}: wall p50 / p99 / max ms, CPU p50 ms (found)")
        for label, values in by_label.items():
            cpu, found, times = values[-2], int(values[-1]), sorted(values[:-2])
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(f"  {label:34} {statistics.median(times):6.2f} {p99:6.2f} {times[-1]:6.2f}  {cpu:6.2f}  ({found})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"autocomplete over {args.accounts:,} accounts and {args.tags:,} tags, {args.rounds} calls per query")
    if args.db in ("sqlite", "both"):
        path = Path(tempfile.mkdtemp(prefix="madang-autocomplete-")) / "bench.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        viewer = asyncio.run(seed(url, args.accounts, args.tags))
        report("sqlite", asyncio.run(measure(url, viewer, args.rounds)))
    if args.db in ("postgresql", "both"):
        from tests.support import pgserver

        server = pgserver.start()
        try:
            server.psql("CREATE DATABASE autocomplete_bench")
            url = server.url("autocomplete_bench")
            upgrade(url)
            viewer = asyncio.run(seed(url, args.accounts, args.tags))
            report("postgresql", asyncio.run(measure(url, viewer, args.rounds)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
