"""Engines, SQLite pragmas, units of work and the Alembic migrations."""

from madang.db.database import Database

__all__ = ["Database"]
