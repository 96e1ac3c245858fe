"""The models and the migrations agree, on both databases. (Upgrading databases that hold rows,
from every revision, and failed or interrupted migrations: tests/ops/upgrades/.)"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from madang.db import Database
from madang.models import Base


async def test_models_match_migrations(db: Database) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)

    async with db.reader.connect() as connection:
        changes = await connection.run_sync(diff)
    assert changes == []


def test_every_reference_to_a_status_is_indexed() -> None:
    """Status rows are deleted (undoing a boost deletes the boost's row). The database then
    looks up every row that references it, table by table; a referencing column without an
    index of its own turns that into a full scan (1.6 s over the home feed's 13M entries)."""
    statuses = Base.metadata.tables["statuses"]
    missing = []
    for table in Base.metadata.sorted_tables:
        led_by = {tuple(c.name for c in index.columns)[0] for index in table.indexes}
        if table.primary_key.columns:
            led_by.add(list(table.primary_key.columns)[0].name)
        led_by |= {list(u.columns)[0].name for u in table.constraints
                   if u.__class__.__name__ == "UniqueConstraint" and list(u.columns)}
        for fk in table.foreign_keys:
            if fk.column.table is statuses and fk.parent.name not in led_by:
                missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []
