"""One primary and one hot standby (pg_basebackup -R) for the whole session, with madang's schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from madang.db.migrate import upgrade
from tests.support import pgreplica


@pytest.fixture(scope="session")
def replica_pair() -> Iterator[pgreplica.ReplicaPair]:
    pair = pgreplica.start_pair()
    try:
        pair.primary.psql("CREATE DATABASE madang_replicated")
        upgrade(pair.primary.url("madang_replicated"))
        pair.standby.caught_up()
        yield pair
    finally:
        pair.stop()


@pytest.fixture
def standby(replica_pair: pgreplica.ReplicaPair) -> Iterator[pgreplica.Standby]:
    """The standby, answering and replaying when the test starts and again after it (a test may
    stop it or pause its replay)."""
    standby = replica_pair.standby
    yield standby
    if standby.pg_ctl("status", check=False).returncode != 0:
        standby.start()
    standby.resume_replay()
    standby.caught_up()
