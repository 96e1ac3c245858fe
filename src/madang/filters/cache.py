"""Each viewer's filters, kept in this process for a few seconds.

Every timeline page asks "which filters does this reader have?"; almost always the answer is
none, and it must cost one dict lookup, not a query. An entry lives TTL seconds; a change made
through this process drops it at once. A change made through another process is seen within
TTL. A per-viewer generation stops a read that began before a change from storing what it read.
Expiry is not cached: entries keep ``expires_at`` and callers compare it with the clock.
"""

from __future__ import annotations

import time
from typing import Any

TTL = 5.0
MAX_ENTRIES = 20_000

_entries: dict[int, tuple[float, Any]] = {}
_generations: dict[int, int] = {}


def generation(viewer_id: int) -> int:
    return _generations.get(viewer_id, 0)


def cached(viewer_id: int) -> Any | None:
    entry = _entries.get(viewer_id)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def store(viewer_id: int, value: Any, read_generation: int) -> None:
    if _generations.get(viewer_id, 0) != read_generation:
        return  # changed while we read: what we read may be stale
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()  # crude but bounded; refilled by the next requests
    _entries[viewer_id] = (time.monotonic() + TTL, value)


def invalidate(viewer_id: int) -> None:
    """Call on every change to the viewer's filters (before and after commit is fine)."""
    _entries.pop(viewer_id, None)
    _generations[viewer_id] = _generations.get(viewer_id, 0) + 1


def clear() -> None:
    _entries.clear()


def changed(session: Any, viewer_id: int) -> None:
    """A use case changed the viewer's filters: drop the entry now and again after commit, so
    a reader that loads between the flush and the commit cannot keep the old answer."""
    from madang.db.database import after_commit

    invalidate(viewer_id)
    after_commit(session, lambda: invalidate(viewer_id))
