"""Run and write Alembic migrations without an alembic.ini on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config

from madang.db.database import ensure_sqlite_folder

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)


@dataclass(frozen=True)
class Pending:
    revision: str
    description: str


@dataclass(frozen=True)
class MigrationState:
    """Where a database stands against the migrations this version of madang carries."""

    current: str | None  # None: an empty database (or not madang's)
    head: str
    pending: tuple[Pending, ...]
    unknown: bool = False  # the database is at a revision this version does not know (a newer madang's)

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.unknown


def migration_state(url: str) -> MigrationState:
    """Reads the database's revision and lists what `upgrade` would run, changing nothing."""
    import asyncio

    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError
    from sqlalchemy.ext.asyncio import create_async_engine

    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    assert head is not None

    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(url).database
        if database and database != ":memory:" and not Path(database).exists():
            current = None  # not created yet; connecting would create the file
            return _state(script, current, head)

    async def read() -> str | None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        finally:
            await engine.dispose()

    current = asyncio.run(read())
    try:
        return _state(script, current, head)
    except CommandError:
        return MigrationState(current=current, head=head, pending=(), unknown=True)


def _state(script, current: str | None, head: str) -> MigrationState:  # type: ignore[no-untyped-def]
    if current is not None and script.get_revision(current) is None:
        return MigrationState(current=current, head=head, pending=(), unknown=True)
    steps = reversed(list(script.iterate_revisions(head, current)))
    pending = tuple(Pending(s.revision, (s.doc or "").strip().splitlines()[0] if s.doc else "") for s in steps)
    return MigrationState(current=current, head=head, pending=pending)
