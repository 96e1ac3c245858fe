"""Seed a migrated madang SQLite database FAST, with direct bulk SQL (not through the API).

    .venv/bin/python bench/seed.py --db /tmp/madang-bench/bench.db --accounts 10000 \
        --follows 40 --statuses 1000000 --tokens-out /tmp/madang-bench/tokens.tsv

What it writes (deterministic for one --seed, except the low 16 bits of the snowflake
ids, which `madang.core.ids.id_at` draws per process):

- one OAuth application, N accounts (`bench00001` …) with users (one precomputed argon2
  hash for all) and one access token each (sha256 hex in `token_hash`; the secrets go to
  the TSV: account_id, username, token);
- a follow graph: every account follows F others, chosen uniformly at random;
- S statuses with Hangul text (about 20% carry `#안양`), spread evenly over the year
  before --end, by uniformly random authors; 90% public, 7% unlisted, 3% private; each
  with its first revision (`status_edits`) and its tag rows;
- home feed entries as fan-out would have made them (the author and every follower),
  CAPPED to the most recent --feed-cap (800) entries per account, to keep the seed fast
  (a real feed would hold every post of everyone followed; the home query reads only
  the newest page, so the cap changes the index size, not the work per request);
- correct counters (statuses, followers, following, last_status_at).

Not seeded: replies, boosts, mentions, favourites, notifications, mutes, blocks.
Speed: `PRAGMA synchronous=OFF` and an in-memory rollback journal during the seed only
(WAL is restored at the end); secondary indexes are dropped and rebuilt after the load;
rows go in with executemany, one transaction per batch. No ANALYZE (the app runs none),
so the query planner sees what a real instance sees.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from madang.core.ids import id_at
from madang.db.migrate import upgrade
from madang.text import count_characters, normalize, parse, render_html
from madang.text.tags import normalize_tag

BATCH = 100_000
SCOPES = "read write follow push"
PASSWORD = "madang-bench-비밀번호"
TABLES_WITH_BULK = ("accounts", "users", "oauth_access_tokens", "follows", "statuses", "status_edits",
                    "statuses_tags", "home_feed_entries")


def log(msg: str) -> None:
    print(f"[seed {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ts(when: datetime) -> str:
    """How SQLAlchemy's UTCDateTime stores a datetime on SQLite (UTC, no zone)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def chunks(rows: Iterable[tuple], size: int = BATCH) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """executemany in one transaction per batch."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    n = 0
    for batch in chunks(rows):
        conn.execute("BEGIN")
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
        n += len(batch)
    return n


# --- the database --------------------------------------------------------------------------

def open_fresh(path: str) -> sqlite3.Connection:
    """A new, migrated database at ``path`` (an existing one is replaced)."""
    path = os.path.abspath(path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    upgrade(f"sqlite+aiosqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")  # the seed only; the app runs with NORMAL
    conn.execute("PRAGMA cache_size = -1000000")  # 1 GB
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def drop_secondary_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the named indexes of the bulk tables; returns their CREATE statements.
    (Primary keys and UNIQUE constraints are automatic indexes and stay.)"""
    marks = ",".join("?" * len(TABLES_WITH_BULK))
    rows = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                        f"AND tbl_name IN ({marks})", TABLES_WITH_BULK).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def finish(conn: sqlite3.Connection, index_sql: list[str]) -> None:
    for sql in index_sql:
        conn.execute(sql)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


# --- building blocks (fanout.py uses them too) ----------------------------------------------

@dataclass
class Accounts:
    ids: array  # account id by index
    usernames: list[str]
    tokens: list[str]


def add_application(conn: sqlite3.Connection, rng: random.Random, when: datetime) -> int:
    app_id = id_at(when)
    conn.execute(
        "INSERT INTO oauth_applications (id, name, website, redirect_uris, scopes, client_id, client_secret, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (app_id, "madang-bench", None, "urn:ietf:wg:oauth:2.0:oob", SCOPES, rng.randbytes(16).hex(),
         rng.randbytes(32).hex(), ts(when)))
    return app_id


def password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)  # once, for every user


def add_accounts(conn: sqlite3.Connection, rng: random.Random, *, n: int, prefix: str, start: datetime,
                 spacing: timedelta, app_id: int, base_url: str, display: str = "안양 시민") -> Accounts:
    """N local accounts, each with a user and an access token (made at the same moment)."""
    pw = password_hash()
    ids = array("q")
    usernames: list[str] = []
    tokens: list[str] = []
    accounts, users, token_rows = [], [], []
    width = max(5, len(str(n)))
    for i in range(n):
        when = start + spacing * i
        stamp = ts(when)
        account_id, user_id, token_id = id_at(when), id_at(when), id_at(when)
        username = f"{prefix}{i + 1:0{width}d}"
        secret = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
        ids.append(account_id)
        usernames.append(username)
        tokens.append(secret)
        accounts.append((account_id, username, None, username.lower(), f"{display} {i + 1}", "", "", "[]",
                         0, 0, 1, 0, None, f"{base_url}/users/{username}", f"{base_url}/@{username}",
                         stamp, stamp, None, 0, 0, 0, None))
        users.append((user_id, account_id, f"{username}@bench.example", pw, stamp, stamp, 0, 0, "ko", "public",
                      0, "ko", None))
        token_rows.append((token_id, hashlib.sha256(secret.encode()).hexdigest(), app_id, account_id, SCOPES,
                           stamp, None, None))
    insert(conn, "accounts", ("id", "username", "domain", "acct_key", "display_name", "note", "note_html", "fields",
                              "locked", "bot", "discoverable", "organisation", "verified_at", "uri", "url",
                              "created_at", "updated_at", "suspended_at", "statuses_count", "followers_count",
                              "following_count", "last_status_at"), accounts)
    insert(conn, "users", ("id", "account_id", "email", "password_hash", "created_at", "confirmed_at", "admin",
                           "disabled", "locale", "default_visibility", "default_sensitive", "default_language",
                           "signup_ip"), users)
    insert(conn, "oauth_access_tokens", ("id", "token_hash", "application_id", "account_id", "scopes", "created_at",
                                         "revoked_at", "last_used_at"), token_rows)
    return Accounts(ids, usernames, tokens)


def add_follows(conn: sqlite3.Connection, pairs: Iterable[tuple[int, int]], *, start: datetime,
                spacing: timedelta) -> int:
    """(follower id, followee id) pairs; ids made in time order."""
    def rows() -> Iterator[tuple]:
        for k, (a, b) in enumerate(pairs):
            when = start + spacing * k
            yield (id_at(when), 1, 0, a, b, ts(when))
    return insert(conn, "follows", ("id", "show_reblogs", "notify", "account_id", "target_account_id",
                                    "created_at"), rows())


def write_tokens(path: str, accounts: Accounts) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("account_id\tusername\ttoken\n")
        for account_id, username, token in zip(accounts.ids, accounts.usernames, accounts.tokens):
            f.write(f"{account_id}\t{username}\t{token}\n")


# --- Hangul text -------------------------------------------------------------------------

PLACES = ["안양천", "평촌", "범계역", "인덕원", "비산동", "석수동", "호계동", "관악산", "수리산", "안양예술공원",
          "중앙시장", "평촌중앙공원", "박달동", "명학역", "안양일번가", "학의천", "만안구청", "동안구청"]
THINGS = ["벚꽃이 활짝 피었어요", "산책하기 좋은 날씨네요", "버스가 또 늦게 왔습니다", "새 카페가 문을 열었어요",
          "도서관에서 강좌가 열린대요", "주차 공간이 너무 부족해요", "아이들과 자전거를 탔어요",
          "야시장 음식이 맛있었습니다", "도로 공사 때문에 길이 막혀요", "분리수거 요일이 바뀌었네요",
          "가로등이 고장 나 있어요", "주말 장터에 사람이 많았어요", "미세먼지가 심해서 마스크 챙기세요",
          "시민 체육대회 신청했습니다", "단풍이 정말 예쁘게 들었어요", "눈이 와서 길이 미끄러워요"]
TAILS = ["다들 좋은 하루 보내세요.", "시청에 민원 넣었습니다.", "사진 찍으러 또 가야겠어요.",
         "이웃분들 의견이 궁금해요.", "다음 주에도 열린다고 합니다.", "조심히 다니세요!", "정말 감사합니다.",
         "혹시 아시는 분 계신가요?", "오랜만에 여유로운 저녁이네요.", ""]
OTHER_TAGS = ["평촌", "안양천", "동네소식"]


@dataclass
class Text:
    text: str
    content: str
    tag_keys: tuple[str, ...]


def render(text: str, base_url: str) -> Text:
    """Render as the app does (normalize, parse, render_html), once per pooled text."""
    text = normalize(text)
    parsed = parse(text)
    content = render_html(parsed, mention_url=lambda t: None,
                          tag_url=lambda t: f"{base_url}/tags/{quote(t.name)}")
    keys = tuple(dict.fromkeys(normalize_tag(h.name) for h in parsed.hashtags))
    return Text(text, content, keys)


def text_pool(rng: random.Random, size: int, base_url: str, tag_share: float = 0.2) -> list[Text]:
    pool = []
    while len(pool) < size:
        parts = [f"{rng.choice(PLACES)}에서 {rng.choice(THINGS)}.", rng.choice(TAILS)]
        if rng.random() < 0.4:
            parts.append(f"{rng.choice(PLACES)} 쪽도 {rng.choice(THINGS)}.")
        text = " ".join(p for p in parts if p)
        if rng.random() < tag_share:
            text += " #안양"
            if rng.random() < 0.3:
                text += f" #{rng.choice(OTHER_TAGS)}"
        if count_characters(text) <= 140:
            pool.append(render(text, base_url))
    return pool


def add_tags(conn: sqlite3.Connection, keys: Iterable[str], when: datetime) -> dict[str, int]:
    ids = {}
    for key in sorted(set(keys)):
        ids[key] = id_at(when)
        conn.execute("INSERT INTO tags (id, key, name, created_at) VALUES (?, ?, ?, ?)", (ids[key], key, key, ts(when)))
    return ids


@dataclass
class Statuses:
    ids: array  # status id by index (ascending)
    authors: array  # author index by status index


def add_statuses(conn: sqlite3.Connection, rng: random.Random, *, accounts: Accounts, author_of: Sequence[int],
                 start: datetime, spacing: timedelta, pool: list[Text], tag_ids: dict[str, int], base_url: str,
                 app_id: int | None) -> Statuses:
    """Statuses in time order, author index per status from ``author_of``; with their first
    revision and tag rows. Updates the authors' counters."""
    ids = array("q")
    authors = array("i", author_of)
    texts = [rng.randrange(len(pool)) for _ in range(len(authors))]
    vis_draw = [rng.random() for _ in range(len(authors))]
    stamps: list[str] = []
    for k in range(len(authors)):
        when = start + spacing * k
        ids.append(id_at(when))  # the status
        stamps.append(ts(when))
    edit_ids = array("q")
    for k in range(len(authors)):  # its first revision, a moment later (ids stay unique)
        edit_ids.append(id_at(start + spacing * k + timedelta(microseconds=1000)))

    def visibility(k: int) -> str:
        r = vis_draw[k]
        return "public" if r < 0.90 else "unlisted" if r < 0.97 else "private"

    def status_rows() -> Iterator[tuple]:
        for k, a in enumerate(authors):
            sid, user, t = ids[k], accounts.usernames[a], pool[texts[k]]
            yield (sid, accounts.ids[a], f"{base_url}/users/{user}/statuses/{sid}", f"{base_url}/@{user}/{sid}", 1,
                   t.text, t.content, "", 0, "ko", visibility(k), None, None, None, app_id, stamps[k], None, None,
                   0, 0, 0)

    def edit_rows() -> Iterator[tuple]:
        for k, a in enumerate(authors):
            t = pool[texts[k]]
            yield (edit_ids[k], ids[k], accounts.ids[a], t.text, t.content, "", 0, "ko", stamps[k])

    def tag_rows() -> Iterator[tuple]:
        for k in range(len(authors)):
            for key in pool[texts[k]].tag_keys:
                yield (ids[k], tag_ids[key])

    n = insert(conn, "statuses", ("id", "account_id", "uri", "url", "local", "text", "content", "spoiler_text",
                                  "sensitive", "language", "visibility", "in_reply_to_id", "in_reply_to_account_id",
                                  "reblog_of_id", "application_id", "created_at", "edited_at", "deleted_at",
                                  "replies_count", "reblogs_count", "favourites_count"), status_rows())
    log(f"  {n:,} statuses")
    insert(conn, "status_edits", ("id", "status_id", "account_id", "text", "content", "spoiler_text", "sensitive",
                                  "language", "created_at"), edit_rows())
    log("  their first revisions")
    n = insert(conn, "statuses_tags", ("status_id", "tag_id"), tag_rows())
    log(f"  {n:,} status tags")

    # Counters: statuses_count and last_status_at (the date of the newest post).
    count: dict[int, int] = {}
    last: dict[int, int] = {}
    for k, a in enumerate(authors):
        count[a] = count.get(a, 0) + 1
        last[a] = k
    conn.execute("BEGIN")
    conn.executemany("UPDATE accounts SET statuses_count = statuses_count + ?, last_status_at = ? WHERE id = ?",
                     [(c, stamps[last[a]][:10], accounts.ids[a]) for a, c in count.items()])
    conn.execute("COMMIT")
    return Statuses(ids, authors)


def set_follow_counters(conn: sqlite3.Connection, pairs: Sequence[tuple[int, int]]) -> None:
    """followers_count and following_count from (follower id, followee id) pairs (added to
    what is stored: fanout.py adds follows in several steps)."""
    following: dict[int, int] = {}
    followed: dict[int, int] = {}
    for a, b in pairs:
        following[a] = following.get(a, 0) + 1
        followed[b] = followed.get(b, 0) + 1
    conn.execute("BEGIN")
    conn.executemany("UPDATE accounts SET following_count = following_count + ? WHERE id = ?",
                     [(n, a) for a, n in following.items()])
    conn.executemany("UPDATE accounts SET followers_count = followers_count + ? WHERE id = ?",
                     [(n, b) for b, n in followed.items()])
    conn.execute("COMMIT")


def add_home_feeds(conn: sqlite3.Connection, *, accounts: Accounts, statuses: Statuses,
                   followers: list[list[int]], cap: int) -> int:
    """What fan-out would have written (each post to its author and every follower),
    keeping the newest ``cap`` entries of each feed: walk the posts newest first."""
    n = len(accounts.ids)
    feeds = [array("i") for _ in range(n)]  # status indexes, newest first
    full = 0
    for k in range(len(statuses.ids) - 1, -1, -1):
        a = statuses.authors[k]
        for r in (a, *followers[a]):
            feed = feeds[r]
            if len(feed) < cap:
                feed.append(k)
                if len(feed) == cap:
                    full += 1
        if full == n:
            break

    def rows() -> Iterator[tuple]:
        for r in range(n):  # in primary-key order: account, then status
            account_id = accounts.ids[r]
            for k in reversed(feeds[r]):
                yield (account_id, statuses.ids[k], accounts.ids[statuses.authors[k]])
    return insert(conn, "home_feed_entries", ("account_id", "status_id", "author_id"), rows())


# --- the benchmark database --------------------------------------------------------------

def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True, help="SQLite file to (re)create")
    p.add_argument("--tokens-out", required=True, help="TSV of account_id, username, token")
    p.add_argument("--accounts", type=int, default=10_000)
    p.add_argument("--follows", type=int, default=40, help="accounts each account follows")
    p.add_argument("--statuses", type=int, default=1_000_000)
    p.add_argument("--feed-cap", type=int, default=800, help="newest home feed entries kept per account")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--end", default=None, help="time of the newest post (ISO, UTC); default: an hour ago")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = p.parse_args()

    t0 = time.monotonic()
    rng = random.Random(args.seed)
    random.seed(args.seed)  # id_at's per-millisecond sequence start
    end = (datetime.fromisoformat(args.end).replace(tzinfo=timezone.utc) if args.end
           else datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1))
    first_post = end - timedelta(days=365)
    # Disjoint time windows per table, so ids from id_at never collide.
    accounts_at = first_post - timedelta(days=30)
    follows_at = first_post - timedelta(days=15)

    conn = open_fresh(args.db)
    index_sql = drop_secondary_indexes(conn)
    app_id = add_application(conn, rng, accounts_at - timedelta(days=1))
    accts = add_accounts(conn, rng, n=args.accounts, prefix="bench", start=accounts_at,
                         spacing=timedelta(days=10) / args.accounts, app_id=app_id, base_url=args.base_url)
    write_tokens(args.tokens_out, accts)
    log(f"{args.accounts:,} accounts, users and tokens ({time.monotonic() - t0:.1f}s)")

    followers: list[list[int]] = [[] for _ in range(args.accounts)]
    pairs = []
    for a in range(args.accounts):
        for b in rng.sample(range(args.accounts - 1), args.follows):
            b = b + 1 if b >= a else b  # never oneself
            followers[b].append(a)
            pairs.append((accts.ids[a], accts.ids[b]))
    add_follows(conn, pairs, start=follows_at, spacing=timedelta(days=10) / max(1, len(pairs)))
    set_follow_counters(conn, pairs)
    log(f"{len(pairs):,} follows ({time.monotonic() - t0:.1f}s)")

    pool = text_pool(rng, 4000, args.base_url)
    tag_ids = add_tags(conn, (k for t in pool for k in t.tag_keys), first_post - timedelta(days=1))
    author_of = [rng.randrange(args.accounts) for _ in range(args.statuses)]
    st = add_statuses(conn, rng, accounts=accts, author_of=author_of, start=first_post,
                      spacing=(end - first_post) / args.statuses, pool=pool, tag_ids=tag_ids,
                      base_url=args.base_url, app_id=app_id)
    log(f"statuses done ({time.monotonic() - t0:.1f}s)")

    n = add_home_feeds(conn, accounts=accts, statuses=st, followers=followers, cap=args.feed_cap)
    log(f"{n:,} home feed entries (cap {args.feed_cap} per account) ({time.monotonic() - t0:.1f}s)")
    finish(conn, index_sql)
    size = os.path.getsize(args.db) / 2**20
    log(f"indexes rebuilt, WAL on: {args.db} is {size:,.0f} MiB; total {time.monotonic() - t0:.1f}s")


if __name__ == "__main__":
    main()
