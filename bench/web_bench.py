"""The web pages under load: the server-rendered home page on a seeded database, side by side
with the API's home timeline in the same run, and the size of a page's own CSS and JavaScript.

    .venv/bin/python bench/web_bench.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv [--duration 15]

Starts `madang serve` (one process) on a free loopback port, checks a session cookie gets a
200 page, warms up (each of the 1,000 readers' pages once, web and API), then runs wrk (-t2 -c16) on GET /home (web) and on
GET /api/v1/timelines/home (API), and reports req/s, p50/p99 and server CPU per request.
Then it gzips every CSS and JS file the front page and the home page link and sums them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402
import server  # noqa: E402


def page(url: str, token: str | None = None) -> str:
    headers = {"Cookie": f"madang_session={token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        assert r.status == 200, r.status
        return r.read().decode()


def asset_sizes(base: str, html: str) -> dict:
    links = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+\.(?:js|css)[^"]*)"', html)
    sizes = {}
    for link in links:
        with urllib.request.urlopen(base + link, timeout=30) as r:
            body = r.read()
        sizes[link.split("?")[0]] = {"bytes": len(body), "gzip": len(gzip.compress(body, 9))}
    return {"files": sizes, "total_gzip": sum(s["gzip"] for s in sizes.values()),
            "total_bytes": sum(s["bytes"] for s in sizes.values())}


def _seeded_tokens_are_web_sessions(db: str) -> None:
    """Only tokens of the built-in web app are browser sessions (decision 0027): the seed's one
    application becomes that app, so its tokens sign the readers in on the web and the API alike."""
    import sqlite3

    from madang.auth.web_sessions import WEB_APP_NAME, WEB_CLIENT_ID

    with sqlite3.connect(db) as conn:
        if conn.execute("SELECT 1 FROM oauth_applications WHERE client_id = ?", (WEB_CLIENT_ID,)).fetchone() is None:
            conn.execute("UPDATE oauth_applications SET client_id = ?, name = ? WHERE id = "
                         "(SELECT application_id FROM oauth_access_tokens LIMIT 1)", (WEB_CLIENT_ID, WEB_APP_NAME))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    subprocess.run([str(server.ROOT / ".venv/bin/madang"), "migrate"], check=True, cwd=server.ROOT,
                   env={**__import__("os").environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{args.db}"})
    _seeded_tokens_are_web_sessions(args.db)
    toks = run_bench.tokens(args.tokens)
    s = server.start(args.db, workers=1)
    try:
        home = page(f"{s.url}/home", toks[0])
        assert 'class="timeline"' in home and "<article" in home, "the home page shows no posts"
        # A running server has seen its readers before: one page for each of the 1,000 readers
        # (wrk rotates through them), so the run measures steady state, not a cold start.
        for token in toks[:1000]:
            page(f"{s.url}/home", token)
            run_bench.call(f"{s.url}/api/v1/timelines/home?limit=20", token)
        results = {
            "source": server.source_state(),
            "web_home": run_bench.wrk(s, "web_home", args, 1000, args.duration),
            "api_home": run_bench.wrk(s, "home", args, 1000, args.duration),
            "assets_home": asset_sizes(s.url, home),
            "assets_front": asset_sizes(s.url, page(f"{s.url}/")),
            "home_html_bytes": len(home.encode()),
        }
    finally:
        s.stop()
    for name in ("web_home", "api_home"):
        r = results[name]
        print(f"{name}: {r['rps']:.0f} req/s, p50 {r['latency_us']['p50'] / 1000:.1f} ms, "
              f"p99 {r['latency_us']['p99'] / 1000:.1f} ms, {r['server_cpu_ms_per_request']} ms CPU/request, "
              f"errors {r['errors']}")
    print(f"home page CSS+JS: {results['assets_home']['total_gzip']} bytes gzip "
          f"({results['assets_home']['total_bytes']} raw); page HTML {results['home_html_bytes']} bytes")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
