"""Fan-out at a capital's scale on PostgreSQL (issue 16, decision 0068): a city account with
--followers followers (default 1,000,000) posts; how long until the LAST follower's home
timeline shows the post, and what happens to other users' home reads meanwhile?

    .venv/bin/python bench/fanout_bench.py [--followers 1000000] [--modes write,read]
        [--threshold 100000] [--streams 1000] [--load-seconds 15]

Steps (all on a throwaway PostgreSQL from tests/support/pgserver.py, fsync off as in the suite):

1. Seed with SQL only (generate_series, no ORM): the city account `seoul`, N followers (the
   last --readers of them with a user and a token), 10 neighbour accounts followed by the
   readers with 40 posts each, and the readers' feeds filled with those and 20 earlier posts of
   `seoul` (so a home page is a real page).
2. The raw cost of writing N feed rows, each rolled back: one INSERT … SELECT from follows;
   the same in slices of 5,000 followers (what the fan-out job does); COPY of N rows from the
   client.
3. For each mode, `madang serve` on that database (embedded worker, federation off):
   `write` = MADANG_FANOUT_READ_TIME_THRESHOLD=0 (every post written to every feed), `read` =
   the threshold (posts of `seoul` merged into home timelines when read). Idle home p99 with
   wrk -t2 -c16 on the readers' tokens; then --streams user streams of readers are opened, wrk
   runs again for --load-seconds, and 1 s into it `seoul` posts; the script polls the last
   follower's home timeline every 20 ms until the post shows and waits until every stream had
   it. `write` runs first: `read` marks the account for good.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import server as madang_server  # noqa: E402  (bench/server.py)
from streaming_sse import Client as StreamClient, run_client  # noqa: E402
from tests.support import pgserver  # noqa: E402

SCOPES = "read write follow push"
NEIGHBOURS, NEIGHBOUR_POSTS, EARLIER_POSTS = 10, 40, 20


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def dsn(pg: pgserver.PgServer) -> str:
    return f"postgresql://postgres@127.0.0.1:{pg.port}/madang"


async def seed(pg: pgserver.PgServer, n: int, readers: int, folder: Path) -> dict:
    from argon2 import PasswordHasher

    pw = PasswordHasher().hash("bench-password-1")
    t0 = time.monotonic()
    base = (int(time.time() * 1000) - 30 * 86400 * 1000) << 16
    star = base + 1
    first_reader = n - readers + 1  # fans 1..n; readers are the last `readers` of them
    nb0 = base + n + 10  # neighbour ids
    conn = await asyncpg.connect(dsn(pg))
    try:
        async def run(label: str, sql: str, *args: object) -> None:
            t = time.monotonic()
            await conn.execute(sql, *args)
            log(f"  {label}: {time.monotonic() - t:.1f} s")

        await run("application", "INSERT INTO oauth_applications (id, name, redirect_uris, scopes, client_id, "
                  "client_secret, created_at) VALUES ($1, 'bench', 'urn:ietf:wg:oauth:2.0:oob', $2, 'bench-id', "
                  "'bench-secret', now() - interval '30 days')", base, SCOPES)
        # g = 0: seoul; 1..n: fans; n+1..n+NEIGHBOURS: neighbours (ids nb0 + k).
        await run(f"{n + NEIGHBOURS + 1:,} accounts", """
            INSERT INTO accounts (id, username, acct_key, display_name, note, note_html, fields, locked, bot,
                discoverable, organisation, uri, url, created_at, updated_at, statuses_count, followers_count,
                following_count)
            SELECT id, u, lower(u), d, '', '', '[]'::json, false, false, true, g = 0,
                   'http://bench.example/users/' || u, 'http://bench.example/@' || u,
                   now() - interval '30 days', now() - interval '30 days', 0, 0, 0
            FROM (SELECT g, CASE WHEN g = 0 THEN $1::bigint WHEN g <= $2::int THEN $1::bigint + g
                                 ELSE $3::bigint + (g - $2::int - 1) END AS id,
                         CASE WHEN g = 0 THEN 'seoul' WHEN g <= $2::int THEN 'fan' || g
                              ELSE 'neighbour' || (g - $2::int) END AS u,
                         CASE WHEN g = 0 THEN '서울특별시' WHEN g <= $2::int THEN '서울 시민 ' || g
                              ELSE '이웃 ' || (g - $2::int) END AS d
                  FROM generate_series(0, $2::int + $4::int) AS g) AS a""", star, n, nb0, NEIGHBOURS)
        # Users and tokens: seoul and the readers (token of fan g: 'bench-token-' || g).
        await run("users and tokens", """
            WITH who AS (SELECT 0 AS g UNION ALL SELECT g FROM generate_series($2::int, $3::int) AS g)
            , u AS (INSERT INTO users (id, account_id, email, password_hash, created_at, confirmed_at, admin,
                        disabled, locale, default_visibility, default_sensitive, default_language)
                    SELECT $1::bigint + 5000000 + g, $1::bigint + g, 'u' || g || '@bench.example', $4, now(), now(),
                           false, false, 'ko', 'public', false, 'ko' FROM who)
            INSERT INTO oauth_access_tokens (id, token_hash, application_id, account_id, scopes, created_at)
            SELECT $1::bigint + 7000000 + g, encode(sha256(convert_to('bench-token-' || g, 'UTF8')), 'hex'),
                   $1::bigint - 1, $1::bigint + g, $5, now() FROM who""", star, first_reader, n, pw, SCOPES)
        await run(f"{n:,} follows of seoul", """
            INSERT INTO follows (id, show_reblogs, notify, account_id, target_account_id, created_at, remote)
            SELECT $1::bigint + 10000000 + g, true, false, $1::bigint + g, $1::bigint, now() - interval '20 days', false
            FROM generate_series(1, $2::int) AS g""", star, n)
        await run("readers follow the neighbours", """
            INSERT INTO follows (id, show_reblogs, notify, account_id, target_account_id, created_at, remote)
            SELECT $1::bigint + 12000000 + g * 100 + k, true, false, $1::bigint + g, $2::bigint + k,
                   now() - interval '20 days', false
            FROM generate_series($3::int, $4::int) AS g, generate_series(0, $5::int - 1) AS k""",
                  star, nb0, first_reader, n, NEIGHBOURS)
        await run("counters", """
            UPDATE accounts SET followers_count = CASE WHEN id = $1::bigint THEN $2::int WHEN id >= $3::bigint THEN $4::int
                                         ELSE 0 END,
                following_count = CASE WHEN id = $1::bigint OR id >= $3::bigint THEN 0
                                       WHEN id >= $1::bigint + $5::int THEN 1 + $6::int ELSE 1 END""",
                  star, n, nb0, readers, first_reader, NEIGHBOURS)
        # Earlier posts: seoul's and the neighbours', 10 days ago, one a minute, newest last.
        post_base = (int(time.time() * 1000) - 10 * 86400 * 1000) << 16
        await run("earlier posts", """
            INSERT INTO statuses (id, account_id, uri, url, local, text, content, spoiler_text, sensitive,
                language, visibility, application_id, created_at)
            SELECT $1::bigint + (k << 22), author, 'http://bench.example/statuses/' || ($1::bigint + (k << 22)),
                   NULL, true, t, '<p>' || t || '</p>', '', false, 'ko', 'public', $4::bigint,
                   now() - interval '10 days' + k * interval '1 minute'
            FROM (SELECT k, CASE WHEN k < $5::int THEN $2::bigint ELSE $3::bigint + (k - $5::int) % $6::int END AS author,
                         '안양천 산책로 소식 ' || k AS t
                  FROM generate_series(0, $5::int + $6::int * $7::int - 1) AS k) AS s""",
                  post_base, star, nb0, base, EARLIER_POSTS, NEIGHBOURS, NEIGHBOUR_POSTS)
        await run("readers' feeds", """
            INSERT INTO home_feed_entries (account_id, status_id, author_id)
            SELECT f.account_id, s.id, s.account_id FROM follows f JOIN statuses s ON s.account_id = f.target_account_id
            WHERE f.account_id >= $1::bigint + $2::int""", star, first_reader)
        await run("analyze", "ANALYZE")
    finally:
        await conn.close()
    tokens = folder / "tokens.tsv"
    with open(tokens, "w") as f:
        f.write("account_id\tusername\ttoken\n")
        for g in range(n, first_reader - 1, -1):  # the last follower first
            f.write(f"{star + g}\tfan{g}\tbench-token-{g}\n")
    log(f"seeded {n:,} followers in {time.monotonic() - t0:.1f} s")
    return {"star": star, "star_token": "bench-token-0", "last_token": f"bench-token-{n}", "tokens": tokens,
            "reader_tokens": [f"bench-token-{g}" for g in range(n, first_reader - 1, -1)]}


async def write_cost(pg: pgserver.PgServer, star: int, n: int) -> dict:
    """Writing a feed row for each follower, three ways, each in a transaction rolled back."""
    conn = await asyncpg.connect(dsn(pg))
    out = {}
    try:
        status_id = (int(time.time() * 1000) << 16) + 1
        insert_status = ("INSERT INTO statuses (id, account_id, local, text, content, spoiler_text, sensitive, "
                         "visibility, created_at) VALUES ($1, $2, true, 'x', '<p>x</p>', '', false, 'public', now())")
        one = ("INSERT INTO home_feed_entries (account_id, status_id, author_id) SELECT account_id, $1, $2 "
               "FROM follows WHERE target_account_id = $2 AND NOT remote ON CONFLICT DO NOTHING")
        for label in ("one INSERT … SELECT", "slices of 5,000", "COPY from the client"):
            tr = conn.transaction()
            await tr.start()
            await conn.execute(insert_status, status_id, star)
            t = time.monotonic()
            if label.startswith("one"):
                await conn.execute(one, status_id, star)
            elif label.startswith("slices"):
                last = 0
                while True:
                    bound = await conn.fetchval("SELECT id FROM follows WHERE target_account_id = $1 AND id > $2 "
                                                "ORDER BY id OFFSET 4999 LIMIT 1", star, last)
                    cond = "AND id > $3" + (" AND id <= $4" if bound is not None else "")
                    await conn.execute(one.replace("AND NOT remote", f"AND NOT remote {cond}"), status_id, star,
                                       last, *([bound] if bound is not None else []))
                    if bound is None:
                        break
                    last = bound
            else:
                ids = await conn.fetch("SELECT account_id FROM follows WHERE target_account_id = $1", star)
                await conn.copy_records_to_table("home_feed_entries", columns=["account_id", "status_id", "author_id"],
                                                 records=((r[0], status_id, star) for r in ids))
            out[label] = time.monotonic() - t
            log(f"  {n:,} feed rows, {label}: {out[label]:.2f} s")
            await tr.rollback()
    finally:
        await conn.close()
    return out


async def wait_quiet(pg: pgserver.PgServer, timeout: float = 600) -> float:
    """Until no job is running or due (start-up jobs such as analytics.rollup read every account:
    measuring while they run would measure them). Returns the seconds waited."""
    conn = await asyncpg.connect(dsn(pg))
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < timeout:
            busy = await conn.fetchval("SELECT count(*) FROM jobs WHERE state = 'running' "
                                       "OR (state = 'pending' AND run_at <= now())")
            if not busy:
                break
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    return time.monotonic() - t0


async def fan_out_job(pg: pgserver.PgServer, status_id: str) -> dict:
    conn = await asyncpg.connect(dsn(pg))
    try:
        row = await conn.fetchrow("SELECT state, created_at, locked_at, finished_at FROM jobs WHERE name = "
                                  "'timelines.fan_out' AND (payload->>'status_id')::bigint = $1", int(status_id))
    finally:
        await conn.close()
    if row is None:
        return {}
    out = {"state": row["state"]}
    if row["locked_at"] and row["finished_at"]:
        out["queued_s"] = (row["locked_at"] - row["created_at"]).total_seconds()
        out["run_s"] = (row["finished_at"] - row["locked_at"]).total_seconds()
    return out


def wrk(port: int, tokens: Path, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "--timeout", "20s", "--latency", "-s",
                             str(ROOT / "bench/wrk/home.lua"), f"http://127.0.0.1:{port}", "--", str(tokens), "1000"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_result(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate(timeout=600)
    m = re.search(r"WRKJSON (\{.*\})", out)
    if not m:
        raise RuntimeError(out[-2000:])
    r = json.loads(m.group(1))
    return {"rps": r["rps"], "p50_ms": r["latency_us"]["p50"] / 1000, "p99_ms": r["latency_us"]["p99"] / 1000,
            "max_ms": r["latency_us"]["max"] / 1000, "errors": sum(r["errors"].values())}


async def post_and_watch(port: int, seed_info: dict, args: argparse.Namespace, text: str) -> dict:
    clients = [StreamClient() for _ in seed_info["reader_tokens"][:args.streams]]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(run_client(port, "/api/v1/streaming/user", tok, c, stop))
             for c, tok in zip(clients, seed_info["reader_tokens"], strict=False)]
    if clients:
        await asyncio.wait_for(asyncio.gather(*(c.greeted.wait() for c in clients)), 120)
    live = [c for c in clients if not c.error]
    # Idle reads with the same streams open: the post is then the only difference.
    idle = await asyncio.to_thread(wrk_result, wrk(port, seed_info["tokens"], args.idle_seconds))
    log(f"idle home c16 with {len(live)} streams open: {idle}")
    load = wrk(port, seed_info["tokens"], args.load_seconds)
    await asyncio.sleep(1)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        t0 = time.monotonic()
        r = await http.post("/api/v1/statuses", data={"status": text},
                            headers={"Authorization": f"Bearer {seed_info['star_token']}"})
        r.raise_for_status()
        posted = time.monotonic() - t0
        sid = r.json()["id"]
        seen = float("nan")
        while time.monotonic() - t0 < args.timeout:
            page = await http.get("/api/v1/timelines/home?limit=5",
                                  headers={"Authorization": f"Bearer {seed_info['last_token']}"})
            if any(s["id"] == sid for s in page.json()):
                seen = time.monotonic() - t0
                break
            await asyncio.sleep(0.02)
    deadline = time.monotonic() + 30
    while any(not c.updates for c in live) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    got = [c.updates[0] - t0 for c in live if c.updates]
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    loaded = await asyncio.to_thread(wrk_result, load)
    return {"idle_with_streams": idle, "status_id": sid, "post_s": posted, "last_follower_s": seen, "streams": len(live), "streams_got": len(got),
            "streams_last_s": max(got) if got else float("nan"), "home_during": loaded}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--followers", type=int, default=1_000_000)
    p.add_argument("--readers", type=int, default=1000)
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--modes", default="write,read")
    p.add_argument("--threshold", type=int, default=100_000)
    p.add_argument("--load-seconds", type=float, default=15)
    p.add_argument("--idle-seconds", type=float, default=10)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--skip-write-cost", action="store_true")
    p.add_argument("--json-out")
    args = p.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="madang-fanout-bench-"))
    pg = pgserver.start()
    results: dict = {"followers": args.followers, "source": madang_server.source_state()}
    try:
        pg.psql("CREATE DATABASE madang")
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{pg.port}/madang"
        env = dict(os.environ, MADANG_DATABASE_URL=url, MADANG_FEDERATION="false")
        subprocess.run([str(ROOT / ".venv/bin/madang"), "migrate"], env=env, check=True, capture_output=True,
                       cwd=str(ROOT))
        log(f"seeding {args.followers:,} followers on PostgreSQL (port {pg.port})")
        info = asyncio.run(seed(pg, args.followers, args.readers, folder))
        if not args.skip_write_cost:
            results["write_cost_s"] = asyncio.run(write_cost(pg, info["star"], args.followers))
        for mode in args.modes.split(","):
            threshold = "0" if mode == "write" else str(args.threshold)
            srv = madang_server.start(str(folder / "unused.db"), log_dir=str(folder), extra_env={
                "MADANG_DATABASE_URL": url, "MADANG_FEDERATION": "false",
                "MADANG_FANOUT_READ_TIME_THRESHOLD": threshold, "MADANG_ACCESS_LOG": "false"})
            try:
                log(f"{mode}: start-up jobs done after {asyncio.run(wait_quiet(pg)):.1f} s")
                wrk_result(wrk(srv.port, info["tokens"], 3))  # warm-up
                idle = wrk_result(wrk(srv.port, info["tokens"], args.idle_seconds))
                log(f"{mode}: idle home c16: {idle}")
                run = asyncio.run(post_and_watch(srv.port, info, args, f"서울시 알림 ({mode}) {time.time():.0f}"))
                if run["last_follower_s"] != run["last_follower_s"]:  # nan: still writing; wait for the job
                    log(f"{mode}: waited {asyncio.run(wait_quiet(pg, args.timeout * 5)):.0f} s more for the job")
                run["job"] = asyncio.run(fan_out_job(pg, run["status_id"]))
                log(f"{mode}: {run}")
                results[mode] = {"threshold": int(threshold), "idle": idle, **run}
            finally:
                srv.stop()
    finally:
        pg.stop()
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
