"""The models and the migrations agree, on both databases."""

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
