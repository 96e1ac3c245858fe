"""Fixtures of the federation lab (tests/support/lab.py): the lab itself, GoToSocial as https://gts.test,
madang as https://madang-a.test (SQLite) and https://madang-b.test (PostgreSQL). Every fixture here
skips, with the reason, where the lab cannot run (not root, no unshare, not started through
`make test`'s in_hosts.sh) or where the shared folder with GoToSocial is missing."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from madang.db import Database
from tests.support import lab as labs
from tests.support import pgserver

_numbers = itertools.count()


@pytest.fixture(scope="session")
def lab() -> Iterator[labs.Lab]:
    if reason := labs.lab_available():
        pytest.skip(reason)
    lab = labs.current_lab()
    if os.environ.get("SSL_CERT_FILE") != str(lab.ca):
        labs.trust_lab_ca(lab)  # started in the lab's names without env.sh: trust the lab CA from here on
    yield lab
    labs.remove_lab(lab)  # only one made here; `make test` removes its own


@pytest.fixture(scope="session")
def gotosocial(lab: labs.Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[labs.GoToSocial]:
    if reason := labs.gotosocial_available():
        pytest.skip(reason)
    gts = labs.start_gotosocial(lab, tmp_path_factory.mktemp("gts"), n_users=2)
    print(f"\nGoToSocial up as {gts.base} in {gts.seconds:.1f} s")
    try:
        yield gts
    finally:
        labs.stop_gotosocial(gts)


@dataclass(frozen=True)
class LabMadang:
    base: str  # https://madang-a.test
    domain: str
    database_url: str
    username: str  # a local account that WebFinger finds
    access_log: Path

    def log_lines(self) -> list[str]:
        return self.access_log.read_text(errors="replace").splitlines() if self.access_log.exists() else []


async def _with_citizen(database_url: str, base_url: str) -> str:
    from tests.accounts.factories import make_user

    username = f"labcitizen{next(_numbers)}"
    db = Database(database_url)
    try:
        async with db.write() as session:
            await make_user(session, username=username, display_name="마당 시민", base_url=base_url)
    finally:
        await db.dispose()
    return username


@pytest.fixture
async def madang_a(lab: labs.Lab, sqlite_url: str, tmp_path: Path) -> AsyncIterator[LabMadang]:
    """madang as https://madang-a.test on 127.0.0.3:443, SQLite, with one citizen."""
    domain = "madang-a.test"
    username = await _with_citizen(sqlite_url, f"https://{domain}")
    log = tmp_path / "madang-a.access.log"
    with labs.running_lab_server(sqlite_url, domain, labs.HOSTS[domain], lab=lab, access_log=log,
                                 media_path=tmp_path / "media-a") as base:
        yield LabMadang(base, domain, sqlite_url, username, log)


@pytest.fixture
async def madang_b(lab: labs.Lab, pg_server: pgserver.PgServer, tmp_path: Path) -> AsyncIterator[LabMadang]:
    """madang as https://madang-b.test on 127.0.0.4:443, PostgreSQL, with one citizen."""
    domain = "madang-b.test"
    name = f"lab_b{next(_numbers)}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
    url = pg_server.url(name)
    username = await _with_citizen(url, f"https://{domain}")
    log = tmp_path / "madang-b.access.log"
    with labs.running_lab_server(url, domain, labs.HOSTS[domain], lab=lab, access_log=log,
                                 media_path=tmp_path / "media-b") as base:
        yield LabMadang(base, domain, url, username, log)
