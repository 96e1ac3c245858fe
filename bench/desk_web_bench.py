"""The desk's staff pages under load, on a database seeded by bench/desk_bench.py (100,000
cases, 1,000,000 history entries): the inbox tabs and the dashboard, each with wrk.

    .venv/bin/python bench/desk_bench.py --db /tmp/d8/desk.db --runs 5
    .venv/bin/python bench/desk_web_bench.py --db /tmp/d8/desk.db [--duration 10] [--connections 4]

Signs the seeded triager in (a web session is an access token), starts `madang serve` on a
free loopback port, warms each page up, then runs wrk on each page in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import server  # noqa: E402

from madang.accounts.queries import find_local_accounts_by_usernames  # noqa: E402
from madang.auth.web_sessions import start_web_session  # noqa: E402
from madang.db import Database  # noqa: E402

PAGES = ["/desk?tab=untriaged", "/desk?tab=overdue", "/desk?tab=waiting", "/desk/dashboard"]
HERE = Path(__file__).resolve().parent


async def session_secret(url: str, username: str) -> str:
    db = Database(url)
    try:
        async with db.write() as s:
            account = (await find_local_accounts_by_usernames(s, {username}))[username]
            issued = await start_web_session(s, account=account, user_agent="desk_web_bench")
        return issued.token
    finally:
        await db.dispose()


def get(url: str, secret: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"madang_session={secret}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        return answer.status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--staff", default="dongwook_seo")
    args = parser.parse_args()
    secret = asyncio.run(session_secret(f"sqlite+aiosqlite:///{args.db}", args.staff))
    s = server.start(str(args.db), workers=1)
    results = {}
    try:
        for page in PAGES:
            for _ in range(10):
                assert get(s.url + page, secret) == 200, page
        for page in PAGES:
            cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                   "--timeout", "10s", "-s", str(HERE / "wrk" / "page_with_cookie.lua"), s.url, "--", page, secret]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
            line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
            r = json.loads(line[len("WRKJSON "):])
            results[page] = r
            print(f"{page}: {r['rps']:.0f} req/s, p50 {r['latency_us']['p50'] / 1000:.1f} ms, "
                  f"p99 {r['latency_us']['p99'] / 1000:.1f} ms, errors {r['errors']}")
    finally:
        s.stop()
    print(json.dumps({"source": server.source_state(), "connections": args.connections}))


if __name__ == "__main__":
    main()
