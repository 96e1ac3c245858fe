"""Web page tests run a real server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import running_server


@pytest.fixture
def web_base(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A server over SQLite and over PostgreSQL (the main flows run on both)."""
    with running_server(database_url, media_path=tmp_path / "media") as base:
        yield base


@pytest.fixture
def sqlite_web_base(sqlite_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, media_path=tmp_path / "media") as base:
        yield base
