"""A throwaway pgbouncer (Debian's) in transaction pooling mode in front of a test PostgreSQL, on a
free loopback port. pgbouncer refuses to run as root: as root it runs as the ``postgres`` user."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.pgserver import PgServer, free_port

CONFIG = """\
[databases]
* = host=127.0.0.1 port={pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 1000
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
ignore_startup_parameters = extra_float_digits
"""


@dataclass
class PgBouncer:
    process: subprocess.Popen[bytes]
    folder: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        path = self.folder / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start(server: PgServer, *, pool_size: int = 10) -> PgBouncer:
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise RuntimeError("pgbouncer not found: install Debian's pgbouncer (make system-deps does)")
    folder = Path(tempfile.mkdtemp(prefix="madang-pgbouncer-"))
    port = free_port()
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    config = folder / "pgbouncer.ini"
    config.write_text(CONFIG.format(pg_port=server.port, port=port, folder=folder, pool_size=pool_size))
    user = "postgres" if os.geteuid() == 0 else None
    if user:
        shutil.chown(folder, user=user)
        for path in folder.iterdir():
            shutil.chown(path, user=user)
    process = subprocess.Popen([binary, str(config)], user=user, cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bouncer = PgBouncer(process, folder, port)
    deadline = time.monotonic() + 15
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):  # not up yet
            return bouncer
        if process.poll() is not None or time.monotonic() > deadline:
            log = bouncer.log()
            bouncer.stop()
            raise RuntimeError(f"pgbouncer did not start: {log[-2000:]}")
        time.sleep(0.05)
