"""Scheduled backups: archive names that carry their time, and which ones a retention rule keeps.

The rule, as restic's ``--keep-daily`` / ``--keep-weekly``: of the archives in the folder,
keep the newest of each of the N most recent days that have one, and the newest of each of
the M most recent ISO weeks that have one; an archive kept by either rule stays, and the
archive just written always stays. Days and weeks are UTC, read from the names (not from file
times, which copies change). Other files in the folder are never touched.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

PREFIX = "madang-"
NAME = re.compile(r"^madang-(\d{8}T\d{6}Z)\.(tar|tar\.gz|tgz)$")
STAMP = "%Y%m%dT%H%M%SZ"


def archive_name(when: datetime, suffix: str = ".tar") -> str:
    return f"{PREFIX}{when.astimezone(UTC).strftime(STAMP)}{suffix}"


def archive_time(name: str) -> datetime | None:
    m = NAME.match(name)
    return datetime.strptime(m.group(1), STAMP).replace(tzinfo=UTC) if m else None


def archives(folder: Path) -> list[tuple[datetime, Path]]:
    """The folder's complete archives (not ``.partial`` ones), newest first."""
    found = [(when, path) for path in folder.iterdir() if path.is_file() and (when := archive_time(path.name))]
    return sorted(found, key=lambda item: item[0], reverse=True)


def kept(times: list[datetime], *, keep_daily: int, keep_weekly: int) -> set[datetime]:
    newest_first = sorted(times, reverse=True)
    keep: set[datetime] = set(newest_first[:1])
    for count, period in ((keep_daily, lambda t: t.date()), (keep_weekly, lambda t: t.isocalendar()[:2])):
        seen: set[object] = set()
        for t in newest_first:
            if len(seen) >= count:
                break
            p = period(t)
            if p not in seen:
                seen.add(p)
                keep.add(t)
    return keep


def prune(folder: Path, *, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Deletes the archives the rule does not keep; returns them."""
    found = archives(folder)
    keep = kept([when for when, _ in found], keep_daily=keep_daily, keep_weekly=keep_weekly)
    removed = [path for when, path in found if when not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
