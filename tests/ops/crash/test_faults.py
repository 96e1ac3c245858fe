"""Which failures are a full disk or a database away (db.faults.unavailable): the integration
tests beside this one meet SQLite's and the media folder's full disk and a PostgreSQL restart;
these are the cases they cannot make here (PostgreSQL's own full disk, its other ways of going
away) and the failures that must stay 500s."""

from __future__ import annotations

import errno
import sqlite3

import asyncpg.exceptions as pg
import pytest
import sqlalchemy.exc as sa

from madang.db.faults import DATABASE_AWAY, DISK_FULL, unavailable


def wrapped(exc: BaseException) -> sa.DBAPIError:
    """As SQLAlchemy raises a driver's error."""
    return sa.OperationalError("INSERT INTO statuses …", {}, exc)


@pytest.mark.parametrize(("exc", "reason"), [
    (OSError(errno.ENOSPC, "No space left on device"), DISK_FULL),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), DISK_FULL),
    (pg.DiskFullError("could not extend file: No space left on device"), DISK_FULL),
    (pg.CannotConnectNowError("the database system is starting up"), DATABASE_AWAY),
    (pg.AdminShutdownError("terminating connection due to administrator command"), DATABASE_AWAY),
    (pg.ConnectionDoesNotExistError("connection was closed in the middle of operation"), DATABASE_AWAY),
    (pg.TooManyConnectionsError("sorry, too many clients already"), DATABASE_AWAY),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"), DATABASE_AWAY),
    (ValueError("a bug"), None),
    (OSError(errno.EACCES, "Permission denied"), None),
    (pg.UniqueViolationError("duplicate key value"), None),
    (sqlite3.OperationalError("no such table: statuses"), None),
])
def test_what_is_a_fault_that_passes(exc: BaseException, reason: str | None) -> None:
    assert unavailable(exc) == reason
    assert unavailable(wrapped(exc)) == reason
    try:
        try:
            raise exc
        except BaseException as inner:
            raise RuntimeError("while writing the post") from inner
    except RuntimeError as outer:
        assert unavailable(outer) == reason


def test_sqlite_full_by_its_error_code() -> None:
    """A real SQLITE_FULL: a database capped at a few pages (PRAGMA max_page_count)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA max_page_count = 8")
    conn.execute("CREATE TABLE t (x TEXT)")
    with pytest.raises(sqlite3.OperationalError) as full:
        for _ in range(100):
            conn.execute("INSERT INTO t VALUES (?)", ("가" * 1000,))
    conn.close()
    assert full.value.sqlite_errorcode == sqlite3.SQLITE_FULL
    assert unavailable(wrapped(full.value)) == DISK_FULL
