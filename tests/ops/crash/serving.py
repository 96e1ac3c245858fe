"""`madang serve` as a subprocess the fault tests can kill with SIGKILL, or start inside a mount
namespace of its own (a small tmpfs for the full-disk tests). tests/support/serve_process.py
hides its process; these tests need the process itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.pgserver import free_port
from tests.support.serve_process import answering

MADANG = str(Path(sys.executable).with_name("madang"))


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill9(self) -> None:
        """What a power cut or the OOM killer does: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def serve_env(database_url: str, media: Path, **env: str) -> dict[str, str]:
    return {**os.environ, "MADANG_DATABASE_URL": database_url, "MADANG_HOST": "127.0.0.1",
            "MADANG_MEDIA_PATH": str(media), "MADANG_SECRET_KEY": "crash-test-key-0123456789abcdef",
            "MADANG_RATE_LIMIT_PER_5MIN": "100000", "MADANG_ACCESS_LOG": "false",
            "MADANG_WORKER_POLL_SECONDS": "0.2", "COLUMNS": "200", **env}


@contextmanager
def madang_serve(env: dict[str, str], log: Path, *, prefix: Sequence[str] = (), shell: str | None = None,
                 start_timeout: float = 60) -> Iterator[Server]:
    """``madang serve`` (or ``shell``, a sh script ending in ``exec madang serve``, run after ``prefix``)
    until the block ends; SIGTERM then, SIGKILL if it lingers."""
    port = free_port()
    env = {**env, "MADANG_PORT": str(port), "MADANG_BIN": MADANG}
    command = [*prefix, "sh", "-c", shell] if shell else [*prefix, MADANG, "serve"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    with answering(process, server.base, server.output, start_timeout=start_timeout):
        yield server


def wait_for(check, timeout: float, what: str, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Polls ``check()`` until it returns something true; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
