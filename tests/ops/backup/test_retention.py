"""Scheduled backups: `madang backup --out-dir` names archives by their UTC time and prunes by
--keep-daily / --keep-weekly (the newest archive of each of the last N days and M weeks that have
one), never touching other files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from madang.ops import retention
from tests.ops.backup.instances import Inst


def _t(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_the_rule_keeps_the_newest_of_each_recent_day_and_week() -> None:
    # Two backups a day (03:00 and 15:00) from Sunday 1 to Monday 30 November 2026.
    times = [_t(d, h) for d in range(1, 31) for h in (3, 15)]
    kept = retention.kept(times, keep_daily=3, keep_weekly=2)
    daily = {_t(30, 15), _t(29, 15), _t(28, 15)}  # Mon 30, Sun 29, Sat 28
    weekly = {_t(30, 15), _t(29, 15)}  # the newest of ISO week 49 (Mon 30) and of week 48 (Sun 29)
    assert kept == daily | weekly

    kept = retention.kept(times, keep_daily=1, keep_weekly=4)
    assert kept == {_t(30, 15), _t(29, 15), _t(22, 15), _t(15, 15)}

    assert retention.kept(times, keep_daily=0, keep_weekly=0) == {_t(30, 15)}  # the newest always stays
    assert retention.kept([], keep_daily=7, keep_weekly=4) == set()
    # Gaps do not count: the last 2 days *that have a backup*.
    sparse = [_t(1), _t(10), _t(20)]
    assert retention.kept(sparse, keep_daily=2, keep_weekly=0) == {_t(20), _t(10)}


def test_names_carry_their_time() -> None:
    when = datetime(2026, 12, 7, 18, 0, 5, tzinfo=UTC)
    assert retention.archive_name(when) == "madang-20261207T180005Z.tar"
    assert retention.archive_time("madang-20261207T180005Z.tar.gz") == when
    for other in ("madang-20261207T180005Z.tar.partial", "notes.txt", "madang-latest.tar", "x-20261207T180005Z.tar"):
        assert retention.archive_time(other) is None


def test_backup_into_a_folder_prunes_old_archives_and_nothing_else(tmp_path: Path) -> None:
    from madang.db.migrate import upgrade

    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime.now(UTC)
    old = [now - timedelta(days=d, hours=h) for d in range(1, 40) for h in (0, 6)]
    for when in old:
        (folder / retention.archive_name(when)).write_bytes(b"an older archive")
    others = [folder / "notes.txt", folder / "madang-20260101T000000Z.tar.partial"]
    for path in others:
        path.write_text("not an archive")

    inst = Inst(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    upgrade(inst.url)
    done = inst.madang("backup", "--out-dir", str(folder), "--keep-daily", "3", "--keep-weekly", "2")
    assert done.returncode == 0, done.stderr
    left = sorted(p.name for p in folder.iterdir())
    archives = [n for n in left if retention.archive_time(n)]
    written = [n for n in archives if n not in {retention.archive_name(w) for w in old}]
    assert len(written) == 1 and done.stdout.count("pruned ") == len(old) + 1 - len(archives)
    expected = retention.kept([retention.archive_time(n) for n in [*written, *(retention.archive_name(w) for w in old)]],
                              keep_daily=3, keep_weekly=2)
    assert {retention.archive_time(n) for n in archives} == expected
    assert 3 <= len(archives) <= 5
    assert all(p.exists() for p in others)
    verified = inst.madang("backup", "verify", str(folder / written[0]))
    assert verified.returncode == 0, verified.stderr
