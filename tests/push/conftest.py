"""A loopback push service per test, and a database whose units can run push jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from madang import push
from madang.core.settings import Settings
from madang.db import Database
from tests.push.receiver import PushReceiver

SETTINGS = Settings(domain="madang.test", scheme="https", contact_email="city@madang.test",
                    secret_key="push-test-secret", push_allow_loopback=True, push_timeout_seconds=3,
                    outbound_allow="127.0.0.1/32")
CONFIG = push.PushConfig.from_settings(SETTINGS)


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    server = PushReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def push_db(db: Database) -> AsyncIterator[Database]:
    push.attach(db, SETTINGS)
    yield db
