"""One request at a time against every common endpoint on a seeded database: a probe for
reads and writes that scan or sort a whole table (which wrk on the hot paths never shows).

    .venv/bin/python bench/probe_endpoints.py --db COPY_OF_THE_1M_SEED.db \
        --tokens /tmp/madang-bench/tokens.tsv [--writes]

Reads: the median of 7 requests each, flagged when over 20 ms. --writes also favourites,
boosts, follows, blocks, mutes, posts, edits, replies and deletes as the first token's
account (it changes the database: use a copy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402

SLOW_MS = 20.0


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None, *, auth: bool = True) -> tuple[float, int, bytes]:
        data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                body_bytes, code = r.read(), r.status
        except urllib.error.HTTPError as e:
            body_bytes, code = e.read(), e.code
        return (time.perf_counter() - t0) * 1000, code, body_bytes


def show(label: str, ms: float, code: int) -> None:
    print(f"{code} {ms:9.2f} ms  {label}{'  <-- SLOW' if ms > SLOW_MS else ''}", flush=True)


def reads(c: Client, me: str) -> None:
    home = json.loads(c.call("GET", "/api/v1/timelines/home?limit=20")[2])
    sid, other, other_name = home[5]["id"], home[5]["account"]["id"], home[5]["account"]["username"]
    q = urllib.parse.quote
    paths = [
        "/api/v1/timelines/home?limit=20", "/api/v1/timelines/public", "/api/v1/timelines/public?local=true&limit=40",
        "/api/v1/timelines/tag/" + q("안양"), f"/api/v1/accounts/{me}/statuses",
        f"/api/v1/accounts/{other}/statuses?exclude_replies=true", f"/api/v1/accounts/{other}",
        f"/api/v1/accounts/{other}/followers", f"/api/v1/accounts/{other}/following",
        f"/api/v1/accounts/relationships?id[]={other}", f"/api/v1/statuses/{sid}", f"/api/v1/statuses/{sid}/context",
        "/api/v1/notifications", "/api/v1/favourites", "/api/v1/bookmarks", "/api/v1/conversations",
        "/api/v2/search?q=" + q("안양천") + "&type=statuses", "/api/v2/search?q=bench00&type=accounts",
        "/api/v2/search?q=" + q("#안양"), "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/instance",
        "/api/v2/instance", "/nodeinfo/2.0", "/api/v1/accounts/verify_credentials", "/api/v1/markers?timeline[]=home",
        "/api/v1/lists", "/api/v2/filters", "/api/v1/follow_requests", "/api/v1/suggestions",
        "/api/v1/directory?local=true",
    ]
    pages = ["/tags/" + q("안양"), f"/@{other_name}", f"/@{other_name}/{sid}", "/public/local",
             f"/@{other_name}.rss", f"/tags/{q('안양')}.rss", "/search?q=" + q("안양천"), "/about"]
    for path, auth in [(p, True) for p in paths] + [(p, False) for p in pages]:
        runs = sorted(c.call("GET", path, auth=auth)[:2] for _ in range(7))
        show(path[:80], runs[3][0], runs[3][1])


def writes(c: Client, others: list[str]) -> None:
    home = json.loads(c.call("GET", "/api/v1/timelines/home?limit=40")[2])
    for st in home[:3]:
        for action in ("favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark"):
            ms, code, _ = c.call("POST", f"/api/v1/statuses/{st['id']}/{action}")
            show(action, ms, code)
    for target in others[:4]:
        for action in ("follow", "unfollow", "block", "unblock", "mute", "unmute"):
            ms, code, _ = c.call("POST", f"/api/v1/accounts/{target}/{action}")
            show(action, ms, code)
    for i in range(3):
        ms, code, body = c.call("POST", "/api/v1/statuses", {"status": f"고칠 글 {i} #안양"})
        show("post", ms, code)
        sid = json.loads(body)["id"]
        for label, (method, path, payload) in {
            "edit": ("PUT", f"/api/v1/statuses/{sid}", {"status": f"고친 글 {i} #안양 #평촌"}),
            "history": ("GET", f"/api/v1/statuses/{sid}/history", None),
            "reply": ("POST", "/api/v1/statuses", {"status": "답글입니다", "in_reply_to_id": sid}),
            "delete": ("DELETE", f"/api/v1/statuses/{sid}", None),
        }.items():
            ms, code, _ = c.call(method, path, payload)
            show(label, ms, code)
    ms, code, _ = c.call("PATCH", "/api/v1/accounts/update_credentials", {"note": "안녕하세요 #안양"})
    show("update_credentials", ms, code)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--writes", action="store_true")
    args = p.parse_args()
    lines = Path(args.tokens).read_text().splitlines()[1:]
    me, _, token = lines[0].split("\t")
    print(f"== {server.source_state()}", flush=True)
    s = server.start(args.db, workers=1, log_dir="/tmp")
    try:
        c = Client(s.url, token)
        reads(c, me)
        if args.writes:
            writes(c, [line.split("\t")[0] for line in lines[500:520]])
    finally:
        s.stop()


if __name__ == "__main__":
    main()
