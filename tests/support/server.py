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
    if overrides.pop("on_localhost", False):  # named localhost: WebAuthn takes no IP address for a site
        overrides["domain"] = f"localhost:{port}"
    settings = Settings(database_url=database_url, host="127.0.0.1", port=port, worker_poll_seconds=0.2,
                        **{"gc_freeze": False, "profile_link_checks": False, "rate_limit_per_5min": 100_000, "sign_ups_per_5min": 100_000, **_random_key(overrides),
                           **overrides})  # type: ignore[arg-type]
    with served_in_thread(create_app(settings), host="127.0.0.1", port=port):
        yield settings.base_url


@contextmanager
def served_in_thread(app: object, *, host: str, port: int, **tls: str) -> Iterator[None]:
    """uvicorn serving ``app`` in a thread of the test process until the block ends; ``tls``:
    ssl_certfile and ssl_keyfile."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",  # type: ignore[arg-type]
                            ws="websockets-sansio",
                            # Open event streams never end by themselves: stop waiting for them.
                            timeout_graceful_shutdown=2, **tls)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError(f"madang server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
