"""What a user's domain blocks cost the hot reads (decision 0044), on a seeded SQLite file.

    .venv/bin/python bench/account_domain_blocks_bench.py [--accounts 20000] [--statuses 200000]

Seeds local and remote accounts (remote ones over 200 domains), public posts from all of them,
and a viewer whose home feed holds 2,000 entries. Then times, per call (mean µs, each in its own
read unit as the app runs them; the variants interleaved in rounds, the best round kept): the home timeline, the public timeline, the
relationships of 40 accounts and notify()'s check of a sender. Each is timed up to three ways:
``baseline`` (without the domain-block clause, as before), ``no blocks`` (with it, for a
viewer with no domain blocks: the case of nearly every viewer) and ``blocks`` (a viewer
blocking three servers, and with --big one more of that many stored accounts)."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, insert, or_, select, true

from madang.accounts import relationships
from madang.db import Database
from madang.db.migrate import upgrade
from madang.db.paging import Page
from madang.models import Account, Block, HomeFeedEntry, Mute, Status
from madang.models.account_domain_blocks import AccountDomainBlock
from madang.notifications import create as notifications_create
from madang.timelines import queries as timelines


def _old_silenced(recipient_id: int, sender_id: int):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    muted = exists().where(Mute.account_id == recipient_id, Mute.target_account_id == sender_id,
                           Mute.hide_notifications.is_(True), or_(Mute.expires_at.is_(None), Mute.expires_at > now))
    blocked = exists().where(or_(and_(Block.account_id == recipient_id, Block.target_account_id == sender_id),
                                 and_(Block.account_id == sender_id, Block.target_account_id == recipient_id)))
    return select(or_(muted, blocked))


ROUNDS = 5


async def seed(db: Database, n_accounts: int, n_statuses: int, big: int) -> tuple[int, int, list[int]]:
    now = datetime.now(UTC)
    base = 1 << 40
    accounts = []
    for i in range(n_accounts):
        domain = None if i % 10 == 0 else f"server{i % 200}.example"
        name = f"user{i}"
        accounts.append({"id": base + i, "username": name, "domain": domain,
                         "acct_key": name if domain is None else f"{name}@{domain}",
                         "uri": f"https://{domain or 'local.test'}/users/{name}", "created_at": now, "updated_at": now})
    for i in range(big):  # one large server the blocker also blocks
        accounts.append({"id": base + n_accounts + i, "username": f"big{i}", "domain": "big.example",
                         "acct_key": f"big{i}@big.example", "uri": f"https://big.example/users/big{i}",
                         "created_at": now, "updated_at": now})
    async with db.write() as s:
        for start in range(0, len(accounts), 5000):
            await s.execute(insert(Account), accounts[start:start + 5000])
    statuses = [{"id": (base << 8) + i, "account_id": base + (i * 7919) % n_accounts, "text": "안녕", "content": "<p>안녕</p>",
                 "visibility": "public", "local": ((i * 7919) % n_accounts) % 10 == 0, "created_at": now,
                 "updated_at": now, "uri": f"https://x.test/s/{i}"} for i in range(n_statuses)]
    viewer, blocker = base, base + 10
    async with db.write() as s:
        for start in range(0, len(statuses), 5000):
            await s.execute(insert(Status), statuses[start:start + 5000])
        for owner in (viewer, blocker):
            await s.execute(insert(HomeFeedEntry), [
                {"account_id": owner, "status_id": st["id"], "author_id": st["account_id"]}
                for st in statuses[-2000:]])
        for d in ("server1.example", "server2.example", "server3.example") + (("big.example",) if big else ()):
            s.add(AccountDomainBlock(account_id=blocker, domain=d, created_at=now))
    return viewer, blocker, [base + i for i in range(1, 41)]


async def timed(fn: Any, n: int) -> float:
    for _ in range(20):
        await fn()
    t0 = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - t0) / n * 1e6


async def main(args: argparse.Namespace, url: str) -> None:
    db = Database(url)
    viewer, blocker, others = await seed(db, args.accounts, args.statuses, args.big)

    clause_now = timelines.not_on_blocked_domain

    def use(old: bool) -> None:
        timelines.not_on_blocked_domain = (lambda *_: true()) if old else clause_now
        timelines._home_statement.cache_clear()

    async def home(who: int) -> None:
        async with db.read() as s:
            await timelines.list_home_timeline(s, viewer_id=who, page=Page(limit=20))

    async def public(who: int) -> None:
        async with db.read() as s:
            await timelines.list_public_timeline(s, viewer_id=who, page=Page(limit=20))

    async def rels(who: int) -> None:
        async with db.read() as s:
            me = await s.get(Account, who)
            await relationships.get_relationships(s, account=me, target_ids=others)

    async def silenced(who: int) -> None:
        async with db.read() as s:
            await notifications_create._silenced(s, who, others[5])

    async def old_silenced(who: int) -> None:
        async with db.read() as s:
            await s.scalar(_old_silenced(who, others[5]))

    async def variants(pairs: list[tuple[Any, Any]]) -> list[float]:
        """Rounds interleaved, the best round of each kept: the machine is shared."""
        best = [float("inf")] * len(pairs)
        for _ in range(ROUNDS):
            for i, (setup, call) in enumerate(pairs):
                setup()
                best[i] = min(best[i], await timed(call, max(1, args.n // ROUNDS)))
        return best

    print(f"{args.accounts} accounts, {args.statuses} statuses; mean µs per call, best of {ROUNDS} rounds")
    print(f"{'read':<22}{'baseline':>10}{'no blocks':>11}{'blocks':>10}")
    for name, fn in (("home timeline", home), ("public timeline", public)):
        row = await variants([(lambda: use(True), lambda: fn(viewer)),
                              (lambda: use(False), lambda: fn(viewer)),
                              (lambda: use(False), lambda: fn(blocker))])
        print(f"{name:<22}" + "".join(f"{v:>{w}.0f}" for v, w in zip(row, (10, 11, 10))))
    row = await variants([(lambda: None, lambda: old_silenced(viewer)), (lambda: None, lambda: silenced(viewer)),
                          (lambda: None, lambda: silenced(blocker))])
    print(f"{'notify: sender check':<22}" + "".join(f"{v:>{w}.0f}" for v, w in zip(row, (10, 11, 10))))
    row = await variants([(lambda: None, lambda: rels(viewer)), (lambda: None, lambda: rels(blocker))])
    print(f"{'relationships (40)':<22}{'-':>10}{row[0]:>11.0f}{row[1]:>10.0f}")
    await db.dispose()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=20_000)
    p.add_argument("--statuses", type=int, default=200_000)
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--big", type=int, default=0, help="accounts stored from one more server the blocker blocks")
    path = Path(tempfile.mkdtemp(prefix="madang-userblocks-")) / "bench.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")  # alembic runs its own event loop
    asyncio.run(main(p.parse_args(), f"sqlite+aiosqlite:///{path}"))
