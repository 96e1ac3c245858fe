"""A real madang server (uvicorn) on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from madang.app import create_app
from madang.core.settings import Settings
from tests.support.pgserver import free_port


def _random_key(overrides: dict[str, object]) -> dict[str, object]:
    """A fresh secret key per server, unless the test is about where the key comes from."""
    return {} if "secret_key_file" in overrides else {"secret_key": secrets.token_urlsafe(32)}


@contextmanager
def running_server(database_url: str, **overrides: object) -> Iterator[str]:
    port = free_port()
    settings = Settings(database_url=database_url, host="127.0.0.1", port=port, worker_poll_seconds=0.2,
                        **{"gc_freeze": False, "rate_limit_per_5min": 100_000, "sign_ups_per_5min": 100_000, **_random_key(overrides),
                           **overrides})  # type: ignore[arg-type]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on", ws="websockets-sansio",
                            # Open event streams never end by themselves: stop waiting for them.
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("madang server did not start")
        time.sleep(0.02)
    try:
        yield settings.base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
