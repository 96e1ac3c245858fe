"""Auth tests run a real server, over SQLite and PostgreSQL."""

from tests.web.conftest import sqlite_web_base, web_base  # noqa: F401
