"""A throwaway PostgreSQL server for the suite: initdb + pg_ctl in a temporary folder
on a free loopback port. PostgreSQL refuses to run as root, so as root it runs as the
``postgres`` user (``runuser``) in a folder that user owns."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(f"{name} not found: install Debian's postgresql (make test does)")
    return candidates[-1]


@dataclass
class PgServer:
    folder: Path
    port: int
    as_user: str | None

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.as_user, "--", *args] if self.as_user else list(args)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            self._cmd(_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql),
            check=True, capture_output=True, text=True,
        )
        return out.stdout

    def stop(self) -> None:
        subprocess.run(self._cmd(_pg_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PgServer:
    as_user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="madang-pg-"))
    if as_user:
        shutil.chown(folder, user=as_user)
    os.chmod(folder, 0o755)
    port = free_port()
    server = PgServer(folder=folder, port=port, as_user=as_user)
    data = folder / "data"
    subprocess.run(
        server._cmd(_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"),
        check=True, capture_output=True,
    )
    # Durability is not what these tests measure; speed is welcome.
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(
        server._cmd(_pg_bin("pg_ctl"), "-D", str(data), "-o", opts, "-l", str(folder / "log"), "-w", "start"),
        check=True, capture_output=True,
    )
    deadline = time.time() + 30
    while True:
        try:
            server.psql("select 1")
            return server
        except subprocess.CalledProcessError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
