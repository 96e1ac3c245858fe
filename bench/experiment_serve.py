"""`madang serve` (one process) with one knob turned, for what-if runs; src/ is not changed.

    MADANG_... .venv/bin/python bench/experiment_serve.py --reader-pool 2

--reader-pool N: size of the SQLite reader pool (the app uses 10). Each pooled aiosqlite
connection is a thread that takes the GIL to hand results back to the event loop.
--sqlite-cache-kib N: PRAGMA cache_size per connection (the app uses 32,000 KiB).
"""

from __future__ import annotations

import argparse

import uvicorn
from sqlalchemy import event

from madang.core.settings import Settings
from madang.db import database

p = argparse.ArgumentParser()
p.add_argument("--reader-pool", type=int)
p.add_argument("--sqlite-cache-kib", type=int)
args = p.parse_args()

original_init = database.Database.__init__
original_engine = database._sqlite_engine


def init(self, url, *, pool_size=10):  # type: ignore[no-untyped-def]
    original_init(self, url, pool_size=args.reader_pool or pool_size)


def engine(url, *, begin, pool_size):  # type: ignore[no-untyped-def]
    e = original_engine(url, begin=begin, pool_size=pool_size)
    if args.sqlite_cache_kib is not None:
        @event.listens_for(e.sync_engine, "connect")
        def smaller_cache(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.cursor().execute(f"PRAGMA cache_size = -{args.sqlite_cache_kib}")
    return e


database.Database.__init__ = init
database._sqlite_engine = engine
settings = Settings()
uvicorn.run("madang.asgi:app", host=settings.host, port=settings.port, log_level="warning", access_log=False,
            proxy_headers=True)
