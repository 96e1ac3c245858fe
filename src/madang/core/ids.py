"""Time-sortable 64-bit snowflake ids, one space for every table.

Layout as Mastodon's: ``unix_ms << 16 | low16``. The low 16 bits are a 4-bit process
tag and a 12-bit per-millisecond sequence, so two processes writing in the same
millisecond do not collide and ids stay sortable by time across tables and reblogs.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone

_lock = threading.Lock()
# The next sequence number of each recent millisecond this process made ids in. Kept per
# millisecond, not only for the latest: a process that makes ids for two clocks (a frozen test
# clock and the wall clock, or back-dated loads between live writes) must go on where it left
# each one, never restart below ids it handed out. After 4,096 ids in one millisecond the next
# millisecond's numbers are used. The millisecond new_id last used is never forgotten: under a
# frozen clock it is used again after a back-dated bulk load of more milliseconds than are
# remembered, and starting it afresh collided with the ids made there before the load.
_next_seq: OrderedDict[int, int] = OrderedDict()
_REMEMBERED = 65536
_now_ms = -1
_tag = (os.getpid() ^ random.getrandbits(16)) & 0xF


def id_at(when: datetime) -> int:
    """A fresh id for a record stamped ``when`` (back-dated demo data, imports)."""
    return _next(int(when.timestamp() * 1000))


def new_id() -> int:
    """An id for a record made now (by the clock, so back-dated loads sort correctly)."""
    from madang.core.clock import clock

    if type(clock).__name__ == "Clock":  # the wall clock: skip the datetime round trip
        return _next(int(time.time() * 1000), now=True)
    return _next(int(clock.now().timestamp() * 1000), now=True)


def _next(ms: int, now: bool = False) -> int:
    global _now_ms
    with _lock:
        if now:
            _now_ms = ms
        while True:
            seq = _next_seq.get(ms)
            if seq is None:
                seq = random.getrandbits(6)
            if seq <= 0xFFF:
                _next_seq[ms] = seq + 1
                _next_seq.move_to_end(ms)
                if len(_next_seq) > _REMEMBERED:
                    oldest, oldest_seq = _next_seq.popitem(last=False)
                    if oldest == _now_ms:  # keep it: see _now_ms
                        _next_seq[oldest] = oldest_seq
                        _next_seq.popitem(last=False)
                return (ms << 16) | (_tag << 12) | seq
            ms += 1  # 4096 ids in one millisecond of this process: borrow the next one


def lowest_id_at(when: datetime) -> int:
    """The smallest id that could be made at ``when``: a cursor from a date."""
    return int(when.timestamp() * 1000) << 16


def time_of(snowflake: int) -> datetime:
    return datetime.fromtimestamp((snowflake >> 16) / 1000, tz=timezone.utc)


MAX_ID = 2**63 - 1  # a signed 64-bit column: SQLite's INTEGER, PostgreSQL's bigint


def parse_id_text(text: str) -> int | None:
    """An id written as ASCII decimal digits within the 64-bit range; None for anything else
    (a larger number would overflow the database driver's integer)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
