"""`madang serve` as an operator runs it: a subprocess with MADANG_* settings in its environment,
its standard output (the access log) and error written to files the test reads afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.pgserver import free_port


@dataclass
class Served:
    base: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


@contextmanager
def madang_serve(template: Path, folder: Path, **env: str) -> Iterator[Served]:
    """A migrated SQLite copy of ``template`` in ``folder``, served by `madang serve` until the block
    ends (SIGTERM, then the output files are complete)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "serve.sqlite3"
    shutil.copyfile(template, database)
    port = free_port()
    environment = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "MADANG_HOST": "127.0.0.1",
                   "MADANG_PORT": str(port), "MADANG_MEDIA_PATH": str(folder / "media"),
                   "MADANG_EMBEDDED_WORKER": "false", "MADANG_SECRET_KEY": "serve-process-test-key-0123456789",
                   "MADANG_RATE_LIMIT_PER_5MIN": "100000", "COLUMNS": "200", **env}
    served = Served(f"http://127.0.0.1:{port}", folder / "stdout.log", folder / "stderr.log")
    madang = str(Path(sys.executable).with_name("madang"))
    with served.stdout.open("wb") as out, served.stderr.open("wb") as err:
        process = subprocess.Popen([madang, "serve"], env=environment, stdout=out, stderr=err, cwd=folder)
        with answering(process, served.base, served.output):
            yield served


@contextmanager
def answering(process: subprocess.Popen, base: str, output: Callable[[], str], *,
              start_timeout: float = 60) -> Iterator[None]:
    """Until the block ends: wait for ``base``/health to answer 200 (failing with the tail of
    ``output()`` if the process ends or ``start_timeout`` passes), then stop the process."""
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"madang serve did not start: {output()[-3000:]}")
            time.sleep(0.1)
        yield
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (its output files are then complete), SIGKILL if it lingers past 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
