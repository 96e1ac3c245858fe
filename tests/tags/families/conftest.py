"""A real server per test over SQLite and over PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import running_server


@pytest.fixture
def server(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_server(database_url, media_path=tmp_path / "media") as base:
        yield base
