"""Fan-out delay: an account with 100,000 followers posts through the API; how long until
the LAST follower's home timeline (read through the API with that follower's token) shows
the post? Repeated; then the same for an account with 50 followers (Takahē: 5.9 s).

    .venv/bin/python bench/fanout.py [--db /tmp/madang-bench/fanout.db] [--followers 100000]

The database is bulk-seeded with seed.py's helpers (fresh each run): the poster `star`,
the poster `small`, 20 `neighbour` accounts and the followers. Every follower follows
`star` and one neighbour; the newest 50 followers also follow `small`. So that the feed
index is not empty, `star` and every neighbour have --prefill earlier posts already in
their followers' feeds (2 entries × prefill per follower). The delay is measured from
sending the POST to the first poll (every --poll-ms) that shows it; the fan-out job's own
times (queued → claimed → done) are read from the `jobs` table afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sqlite3
import statistics
import sys
import time
from array import array
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed  # noqa: E402
import server  # noqa: E402


def concat(*groups: seed.Accounts) -> seed.Accounts:
    ids = array("q")
    for g in groups:
        ids.extend(g.ids)
    return seed.Accounts(ids, [u for g in groups for u in g.usernames], [t for g in groups for t in g.tokens])


def build(args: argparse.Namespace) -> tuple[seed.Accounts, int, int, int]:
    """Returns all accounts and the indexes of star, small and the last follower."""
    t0 = time.monotonic()
    rng = random.Random(args.seed)
    random.seed(args.seed)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    conn = seed.open_fresh(args.db)
    index_sql = seed.drop_secondary_indexes(conn)
    app_id = seed.add_application(conn, rng, now - timedelta(days=60))
    base = "http://127.0.0.1:8000"
    posters = seed.add_accounts(conn, rng, n=2, prefix="poster", start=now - timedelta(days=59),
                                spacing=timedelta(minutes=1), app_id=app_id, base_url=base, display="안양시청")
    neighbours = seed.add_accounts(conn, rng, n=20, prefix="neighbour", start=now - timedelta(days=58),
                                   spacing=timedelta(minutes=1), app_id=app_id, base_url=base, display="이웃")
    fans = seed.add_accounts(conn, rng, n=args.followers, prefix="fan", start=now - timedelta(days=50),
                             spacing=timedelta(days=10) / args.followers, app_id=app_id, base_url=base)
    everyone = concat(posters, neighbours, fans)
    star, small, first_fan = 0, 1, 22
    seed.log(f"{len(everyone.ids):,} accounts ({time.monotonic() - t0:.1f}s)")

    followers: list[list[int]] = [[] for _ in everyone.ids]
    pairs = []
    for i in range(args.followers):
        fan = first_fan + i
        targets = [star, 2 + i % 20] + ([small] if i >= args.followers - args.small else [])
        for t in targets:
            followers[t].append(fan)
            pairs.append((everyone.ids[fan], everyone.ids[t]))
    seed.add_follows(conn, pairs, start=now - timedelta(days=39), spacing=timedelta(days=10) / len(pairs))
    seed.set_follow_counters(conn, pairs)
    seed.log(f"{len(pairs):,} follows ({time.monotonic() - t0:.1f}s)")

    pool = seed.text_pool(rng, 200, base)
    tag_ids = seed.add_tags(conn, (k for t in pool for k in t.tag_keys), now - timedelta(days=30))
    author_of = [star if k % 21 == 0 else 2 + k % 21 - 1 for k in range(21 * args.prefill)]
    st = seed.add_statuses(conn, rng, accounts=everyone, author_of=author_of, start=now - timedelta(days=29),
                           spacing=timedelta(hours=1), pool=pool, tag_ids=tag_ids, base_url=base, app_id=app_id)
    n = seed.add_home_feeds(conn, accounts=everyone, statuses=st, followers=followers, cap=10 ** 9)
    seed.finish(conn, index_sql)
    seed.log(f"{n:,} home feed entries; seeded in {time.monotonic() - t0:.1f}s")
    return everyone, star, small, first_fan + args.followers - 1


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
        return json.loads(data)


def measure(port: int, poster_token: str, reader_token: str, text: str, poll: float, timeout: float) -> dict:
    poster, reader = Client(port, poster_token), Client(port, reader_token)
    t0 = time.monotonic()
    status = poster.request("POST", "/api/v1/statuses", {"status": text})
    posted = time.monotonic() - t0
    polls = 0
    while True:
        polls += 1
        page = reader.request("GET", "/api/v1/timelines/home?limit=5")
        if any(s["id"] == status["id"] for s in page):
            seen = time.monotonic() - t0
            break
        if time.monotonic() - t0 > timeout:
            seen = float("nan")
            break
        time.sleep(poll)
    return {"status_id": status["id"], "post_s": posted, "delay_s": seen, "polls": polls}


def job_times(db: str, status_id: str) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT created_at, locked_at, finished_at, state FROM jobs WHERE name = "
                           "'timelines.fan_out' AND json_extract(payload, '$.status_id') = ?", (int(status_id),)).fetchone()
    finally:
        conn.close()
    if not row or not row[2]:
        return {}
    c, l, f = (datetime.fromisoformat(x) for x in row[:3])
    return {"queued_s": (l - c).total_seconds(), "run_s": (f - l).total_seconds(), "state": row[3]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="/tmp/madang-bench/fanout.db")
    p.add_argument("--followers", type=int, default=100_000)
    p.add_argument("--small", type=int, default=50)
    p.add_argument("--prefill", type=int, default=10, help="earlier posts of star and of each neighbour")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--poll-ms", type=float, default=20)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--under-load", action="store_true",
                   help="measure while wrk reads home timelines of 1,000 followers (-t2 -c16)")
    p.add_argument("--profile", help="py-spy raw profile of the server during the big fan-outs")
    p.add_argument("--json-out")
    args = p.parse_args()

    everyone, star, small, last = build(args)
    print(f"measuring {server.source_state()}", flush=True)
    s = server.start(args.db, log_dir=str(Path(args.db).parent))
    results: dict[str, list[dict]] = {}
    spy = load = None
    try:
        tok = everyone.tokens
        measure(s.port, tok[small], tok[last], "준비 운동입니다.", args.poll_ms / 1000, args.timeout)  # warm-up
        time.sleep(2)
        if args.under_load:
            import subprocess
            tsv = Path(args.db).with_suffix(".tokens.tsv")
            seed.write_tokens(str(tsv), seed.Accounts(everyone.ids[22:1022], everyone.usernames[22:1022],
                                                      everyone.tokens[22:1022]))
            load = subprocess.Popen(["wrk", "-t2", "-c16", "-d120s", "-s", str(Path(__file__).parent / "wrk/home.lua"),
                                     s.url, "--", str(tsv), "1000"], stdout=subprocess.PIPE, text=True)
            time.sleep(3)
        if args.profile:
            import subprocess
            spy = subprocess.Popen([str(server.ROOT / ".venv/bin/py-spy"), "record", "-p", str(s.proc.pid), "-r",
                                    "250", "-f", "raw", "-o", args.profile, "--nonblocking", "--native", "-d",
                                    str(int(args.repeats * 8 + 5))], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            time.sleep(1)
        for name, poster, n in (("100k", star, args.followers), ("50", small, args.small)):
            runs = results.setdefault(f"{n} followers", [])
            for i in range(args.repeats):
                r = measure(s.port, tok[poster], tok[last], f"안양시 공지 {i + 1}: 내일 안양천 축제가 열립니다. #안양 "
                            f"({name} {time.time():.3f})", args.poll_ms / 1000, args.timeout)
                r.update(job_times(args.db, r["status_id"]))
                runs.append(r)
                print(f"{n:>7} followers, run {i + 1}: visible to the last follower after {r['delay_s']:.3f}s "
                      f"(POST took {r['post_s'] * 1000:.0f} ms; job queued {r.get('queued_s', 0):.3f}s, "
                      f"ran {r.get('run_s', float('nan')):.3f}s; {r['polls']} polls)", flush=True)
                time.sleep(1)
                if spy is not None and name == "100k" and i == args.repeats - 1:
                    spy.wait(timeout=120)
                    spy = None
    finally:
        if spy is not None:
            spy.terminate()
        if load is not None:
            import signal
            load.send_signal(signal.SIGINT)  # wrk stops and prints its summary
            out = load.communicate(timeout=30)[0] or ""
            print("background load:", next((x for x in out.splitlines() if x.startswith("WRKJSON")), out[-300:]))
        s.stop()
    print()
    for name, runs in results.items():
        delays = [r["delay_s"] for r in runs]
        print(f"{name}: median {statistics.median(delays):.3f}s, runs " + ", ".join(f"{d:.3f}" for d in delays))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
