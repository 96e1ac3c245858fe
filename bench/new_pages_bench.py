"""Issue 15's pages under load: each new citizen and staff page at c4, on the demo city loaded
into the 1M-status seed (issue 15: every new page at p99 <= 100 ms at c4).

    .venv/bin/python bench/seed.py --db /tmp/madang-bench/bench.db --tokens-out /tmp/madang-bench/tokens.tsv
    .venv/bin/python bench/new_pages_bench.py --seed /tmp/madang-bench/bench.db [--duration 5]

Copies the seed (the original is left as it is), gives the seed's accounts one shared key pair
(the keys job would otherwise make 10,000 while pages are measured), loads the demo city into the
copy, signs in a
demo citizen and the demo staff (web sessions are access tokens), starts `madang serve` (one
process), checks every page answers 200 and warms it, then runs wrk (-t1 -c4) on each in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import server  # noqa: E402

HERE = Path(__file__).resolve().parent
CITIZEN, STAFF, OFFICE_ADMIN, ADMIN = "kim_minsu", "dongwook_seo", "jiyoung_choi", "sysop_jung"
# (who, path): the pages issue 15 added or changed, as their users open them.
PAGES = [
    (CITIZEN, "/home"), (CITIZEN, "/explore"), (CITIZEN, "/explore/tags"), (CITIZEN, "/explore/suggestions"),
    (CITIZEN, "/public/local"),
    (CITIZEN, "/notifications"), (CITIZEN, "/notifications?tab=mentions"), (CITIZEN, "/lists"),
    (CITIZEN, "/settings/filters"), (CITIZEN, "/settings/followed_tags"), (CITIZEN, "/settings/mutes"),
    (CITIZEN, "/settings/blocks"), (CITIZEN, "/settings/import"), (CITIZEN, "/settings/domain_blocks"),
    (CITIZEN, "/scheduled"), (CITIZEN, "/settings/profile"), (CITIZEN, "/settings/push"), (CITIZEN, "/settings/sessions"),
    (CITIZEN, "/@anyanglove"), (CITIZEN, "/tags/" + urllib.parse.quote("안양")), (CITIZEN, "/announcements"),
    (STAFF, "/office/monitor"), (STAFF, "/desk"),
    (STAFF, "/office/calendar?view=week"), (ADMIN, "/admin/accounts"), (ADMIN, "/admin/dashboard"),
    (OFFICE_ADMIN, "/office/announcements"), (ADMIN, "/settings/two_factor"),
]


async def secrets(url: str, usernames: set[str]) -> dict[str, str]:
    from madang.accounts.queries import find_local_accounts_by_usernames
    from madang.auth.web_sessions import start_web_session
    from madang.db import Database

    db = Database(url)
    try:
        async with db.write() as s:
            accounts = await find_local_accounts_by_usernames(s, usernames)
            return {name: (await start_web_session(s, account=accounts[name], user_agent="new_pages_bench")).token
                    for name in usernames}
    finally:
        await db.dispose()


def _seed_keys(db: Path) -> None:
    """The seed's 10,000 accounts share one key pair: otherwise the keys job spends ~20 minutes of
    CPU making theirs while the pages are measured (nothing here federates)."""
    import sqlite3

    from madang.federation.keys import generate_key_pair

    private_pem, public_pem = generate_key_pair()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO actor_keys (id, account_id, private_pem, public_pem, created_at) "
                     "SELECT a.id + 7, a.id, ?, ?, CURRENT_TIMESTAMP FROM accounts a WHERE a.domain IS NULL "
                     "AND NOT EXISTS (SELECT 1 FROM actor_keys k WHERE k.account_id = a.id)", (private_pem, public_pem))


def get(url: str, secret: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"madang_session={secret}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", required=True, type=Path)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="reuse this copy (made and loaded on the first run)")
    args = parser.parse_args()
    copy = args.keep or Path(tempfile.mkdtemp(prefix="new-pages-")) / "city.db"
    url = f"sqlite+aiosqlite:///{copy}"
    env = {**os.environ, "MADANG_DATABASE_URL": url, "MADANG_SECRET_KEY_FILE": str(copy.parent / "secret_key")}
    if not copy.exists():
        shutil.copyfile(args.seed, copy)
        madang = str(server.ROOT / ".venv/bin/madang")
        subprocess.run([madang, "migrate"], check=True, env=env, capture_output=True)
        _seed_keys(copy)
        subprocess.run([madang, "demo", "load"], check=True, env=env, capture_output=True, timeout=600)
    tokens = asyncio.run(secrets(url, {who for who, _ in PAGES}))
    s = server.start(str(copy), workers=1, extra_env={"MADANG_SECRET_KEY_FILE": env["MADANG_SECRET_KEY_FILE"]})
    results = {}
    try:
        for who, page in PAGES:
            statuses = {get(s.url + page, tokens[who]) for _ in range(5)}
            assert statuses == {200}, (page, statuses)
        for who, page in PAGES:
            cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s",
                   "-s", str(HERE / "wrk" / "page_with_cookie.lua"), s.url, "--", page, tokens[who]]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
            line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
            r = results[page] = json.loads(line[len("WRKJSON "):])
            p99 = r["latency_us"]["p99"] / 1000
            print(f"{page:34s} {r['rps']:6.0f} req/s  p50 {r['latency_us']['p50'] / 1000:6.1f} ms  "
                  f"p99 {p99:6.1f} ms {'' if p99 <= 100 else ' > 100 ms'}  errors {r['errors']}", flush=True)
    finally:
        s.stop()
    print(json.dumps({"source": server.source_state(), "connections": args.connections, "copy": str(copy)}))


if __name__ == "__main__":
    main()
