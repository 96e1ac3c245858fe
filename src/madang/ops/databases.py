"""Database snapshots and restores: SQLite through its online backup API, PostgreSQL through
``pg_dump -Fc`` / ``pg_restore`` (a client of the server's major version or newer on PATH,
or the newest under /usr/lib/postgresql). No file of a live database is ever copied."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

# Pages copied per backup step (4 KiB pages: 16 MiB a step), so progress can be shown.
SQLITE_PAGES_PER_STEP = 4096
SQLITE_BUSY_MS = 30_000


# Tables whose rows do not make an instance "not empty": the schema's revision, the recurring
# jobs a server enqueues when it first starts (a new machine started once before its restore), and
# the search index's version and checkpoint, which migration 0049 writes into every new database.
BOOKKEEPING = frozenset({"alembic_version", "jobs", "search_index_state"})


class DatabaseError(Exception):
    """The database cannot be backed up or restored; the message says why."""


def kind_of(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise DatabaseError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


# ---------------------------------------------------------------------------------------- SQLite

def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DatabaseError("the SQLite database must be a file path to be backed up or restored")
    return Path(database)


def _connect(path: Path | str, **kwargs) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path, isolation_level=None, timeout=SQLITE_BUSY_MS / 1000, **kwargs)
    conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    return conn


def sqlite_snapshot(url: str, out: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Copies the live database into ``out`` with the online backup API, inside one read
    transaction held on the source: every step reads the same snapshot, so writers (WAL) go on
    and the copy is the database as of one commit; the backup never restarts."""
    source = sqlite_path(url)
    if not source.exists():
        raise DatabaseError(f"no SQLite database at {source}")
    # Read-only: a backup run by another user must not leave files the server cannot open.
    src = _connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
    dst = sqlite3.connect(out)
    try:
        try:
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the read snapshot
            src.backup(dst, pages=SQLITE_PAGES_PER_STEP, progress=(
                lambda _status, remaining, total: progress(total - remaining, total)) if progress else None)
            src.execute("COMMIT")
        except sqlite3.Error as exc:
            raise DatabaseError(f"reading {source} failed: {exc}") from None
        # The copy is a self-contained file in rollback-journal mode (no -wal beside it).
        dst.execute("PRAGMA journal_mode = DELETE")
        problem = dst.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise DatabaseError(f"the copied database fails SQLite's quick_check: {problem}")
    finally:
        dst.close()
        src.close()


def sqlite_revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        return _sqlite_revision(conn)
    finally:
        conn.close()


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def sqlite_nonempty_tables(url: str) -> list[str]:
    """Tables of the target that hold rows (BOOKKEEPING aside); none when there is no file."""
    path = sqlite_path(url)
    if not path.exists():
        return []
    conn = _connect(path)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return [n for n in names if n not in BOOKKEEPING
                and conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{n}")').fetchone()[0]]
    finally:
        conn.close()


def sqlite_restore(url: str, snapshot: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Writes ``snapshot`` into the target database with the backup API: the target is replaced
    in one transaction (its WAL handled by SQLite), or made when absent; then put in WAL mode."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{quote(str(snapshot.resolve()))}?mode=ro", uri=True)
    dst = _connect(target)
    try:
        src.backup(dst, pages=SQLITE_PAGES_PER_STEP,
                   progress=(lambda _status, remaining, total: progress(total - remaining, total)) if progress else None)
        dst.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        raise DatabaseError(f"writing {target} failed ({exc}); is a server still using it? Stop it first") from None
    finally:
        dst.close()
        src.close()


# ------------------------------------------------------------------------------------ PostgreSQL

def pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(re.search(r"/postgresql/(\d+)/", p).group(1)))  # type: ignore[union-attr]
    if not candidates:
        raise DatabaseError(f"{name} not found: install the PostgreSQL client (Debian: postgresql-client)")
    return candidates[-1]


@dataclass(frozen=True)
class PgTarget:
    """How the client programs reach the database: libpq environment variables, so that no
    password ever shows on a command line."""

    env: dict[str, str]
    database: str

    @classmethod
    def from_url(cls, url: str) -> PgTarget:
        u = make_url(url)
        env = {"PGDATABASE": u.database or "postgres", "PGCONNECT_TIMEOUT": "10", "PGAPPNAME": "madang-backup"}
        for key, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
                           ("PGPASSWORD", u.password)):
            if value is not None:
                env[key] = str(value)
        host = u.query.get("host")  # asyncpg's way to name a Unix socket folder
        if isinstance(host, str) and u.host is None:
            env["PGHOST"] = host
        ssl = u.query.get("ssl") or u.query.get("sslmode")
        if isinstance(ssl, str):
            env["PGSSLMODE"] = {"true": "require"}.get(ssl, ssl)
        return cls(env, u.database or "postgres")

    def environ(self, database: str | None = None) -> dict[str, str]:
        env = dict(os.environ)  # PGPASSFILE, PGSSLROOTCERT… apply as they do for the server's driver
        env.update(self.env)
        if database is not None:
            env["PGDATABASE"] = database
        return env


def _run(args: list[str], env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    result = subprocess.run(args, env=env, capture_output=True, **kwargs)
    if result.returncode != 0:
        err = result.stderr.decode(errors="replace") if isinstance(result.stderr, bytes) else result.stderr
        raise DatabaseError(f"{what} failed: {err.strip()[-2000:]}")
    return result


def psql(target: PgTarget, sql: str, database: str | None = None) -> str:
    return _run([pg_binary("psql"), "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], target.environ(database),
                "psql", text=True).stdout


def pg_server_version(target: PgTarget) -> str:
    return psql(target, "SHOW server_version").strip()


def pg_dump(url: str, out: Path, progress: Callable[[str], None] | None = None) -> None:
    """``pg_dump -Fc``: one REPEATABLE READ snapshot of the whole database, writers not blocked."""
    target = PgTarget.from_url(url)
    process = subprocess.Popen([pg_binary("pg_dump"), "--format=custom", "--verbose", "--file", str(out)],
                               env=target.environ(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tail: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        tail = (tail + [line.rstrip()])[-20:]
        m = re.search(r'dumping contents of table "?([^"\s]+)"?', line)
        if m and progress is not None:
            progress(m.group(1))
    if process.wait() != 0:
        errors = [t for t in tail if "error" in t.lower() or "fatal" in t.lower()] or tail
        raise DatabaseError("pg_dump failed: " + "\n".join(errors)[-2000:])


def pg_dump_revision(dump: Path) -> str | None:
    """The alembic revision inside a dump (the alembic_version table's data)."""
    out = _run([pg_binary("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(dump)],
               dict(os.environ), "pg_restore (reading the revision)", text=True).stdout
    lines = iter(out.splitlines())
    for line in lines:
        if line.startswith("COPY ") and "alembic_version" in line:
            value = next(lines, "\\.")
            return None if value == "\\." else value.strip()
    return None


def pg_database_exists(target: PgTarget) -> bool:
    return psql(target, f"SELECT 1 FROM pg_database WHERE datname = '{_literal(target.database)}'",
                database="postgres").strip() == "1"


def _literal(value: str) -> str:
    return value.replace("'", "''")


def _ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _pg_tables(target: PgTarget) -> list[tuple[str, str]]:
    # The schemas madang's connection uses (its search_path), never other applications' schemas.
    out = psql(target, "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                       "AND table_schema = ANY (current_schemas(false)) ORDER BY 1, 2")
    return [tuple(line.split("|", 1)) for line in out.splitlines() if line]  # type: ignore[misc]


def pg_nonempty_tables(url: str) -> list[str]:
    target = PgTarget.from_url(url)
    if not pg_database_exists(target):
        return []
    tables = [(s, t) for s, t in _pg_tables(target) if t not in BOOKKEEPING]
    if not tables:
        return []
    sql = " UNION ALL ".join(f"SELECT '{_literal(t)}' WHERE EXISTS (SELECT 1 FROM {_ident(s)}.{_ident(t)})"
                             for s, t in tables)
    return [line for line in psql(target, sql).splitlines() if line]


def pg_restore(url: str, dump: Path, progress: Callable[[str], None] | None = None) -> None:
    """Replaces the database's contents with the dump in ONE transaction: the objects there now
    are dropped and the dump's are made (``pg_restore`` writing SQL into ``psql -1``); if
    anything fails, the database is as it was. Made first when it does not exist."""
    target = PgTarget.from_url(url)
    if not pg_database_exists(target):
        psql(target, f"CREATE DATABASE {_ident(target.database)}", database="postgres")
    drops = [f"DROP TABLE IF EXISTS {_ident(s)}.{_ident(t)} CASCADE;" for s, t in _pg_tables(target)]
    seqs = psql(target, "SELECT sequence_schema || '|' || sequence_name FROM information_schema.sequences "
                        "WHERE sequence_schema = ANY (current_schemas(false))")
    drops += [f"DROP SEQUENCE IF EXISTS {_ident(s)}.{_ident(n)} CASCADE;"
              for s, n in (line.split("|", 1) for line in seqs.splitlines() if line)]
    # A server still connected holds locks: fail clearly instead of waiting for it.
    drops.insert(0, "SET lock_timeout = '10s';")
    with _prelude("\n".join(drops) + "\n", dump.parent) as prelude:
        restore = subprocess.Popen([pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
                                   env=target.environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert restore.stdout is not None
        loader = subprocess.Popen([pg_binary("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1",
                                   "-f", str(prelude), "-f", "-"], env=target.environ(), stdin=restore.stdout,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        restore.stdout.close()
        _, load_err = loader.communicate()
        restore_err = restore.stderr.read() if restore.stderr else b""
        if restore.wait() != 0:
            raise DatabaseError(f"pg_restore failed: {restore_err.decode(errors='replace').strip()[-2000:]}")
        if loader.returncode != 0:
            raise DatabaseError(f"loading the dump failed (nothing was changed): "
                                f"{load_err.decode(errors='replace').strip()[-2000:]}")
    if progress is not None:
        progress("done")


@contextlib.contextmanager
def _prelude(sql: str, folder: Path) -> Iterator[Path]:
    path = folder / "prelude.sql"
    path.write_text(sql)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
