"""A PostgreSQL primary that allows streaming replication and a hot standby made from it with
``pg_basebackup -R``, both throwaway on free loopback ports (Debian's binaries, as pgserver.py).

The primary is pgserver's server with replication settings; the standby is a copy taken by
pg_basebackup (``-R`` writes standby.signal and primary_conninfo) and started on its own port.
Every wait is bounded."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.pgserver import PgServer, _pg_bin, free_port, start

# WAL senders and slots for the standby; full_page_writes back on for a base backup's sake;
# hot_standby_feedback keeps the primary from removing rows a standby query still reads.
PRIMARY_OPTIONS = ("-c wal_level=replica -c max_wal_senders=4 -c full_page_writes=on "
                   "-c wal_keep_size=256MB")
STANDBY_OPTIONS = ("-c hot_standby=on -c hot_standby_feedback=on -c fsync=off -c max_connections=200 "
                   "-c wal_receiver_status_interval=1s -c max_standby_streaming_delay=30s")


@dataclass
class Standby(PgServer):
    primary: PgServer | None = None

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(self._cmd(_pg_bin("pg_ctl"), "-D", str(self.folder / "data"), *args),
                              check=check, capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        opts = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' {STANDBY_OPTIONS}"
        self.pg_ctl("-o", opts, "-l", str(self.folder / "log"), "-w", "-t", "30", "start")
        _answering(self)

    def stop_now(self) -> None:
        """Stopped as a crash or a lost machine would stop it (the data folder stays)."""
        self.pg_ctl("-m", "immediate", "-w", "-t", "30", "stop", check=False)

    def pause_replay(self, timeout: float = 10) -> None:
        """Pause replay and wait until it has stopped: pg_wal_replay_pause() only asks, and replay
        goes on to its next pause point (a write made meanwhile would still reach the standby)."""
        self.psql("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + timeout
        while self.psql("SELECT pg_get_wal_replay_pause_state()").strip() != "paused":
            if time.monotonic() > deadline:
                raise TimeoutError("the standby's replay did not pause")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.psql("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 30) -> None:
        """Waits until the standby has replayed everything the primary had written when called."""
        assert self.primary is not None
        target = self.primary.psql("SELECT pg_current_wal_lsn()").strip()
        deadline = time.monotonic() + timeout
        while self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn").strip() != "t":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")
            time.sleep(0.05)


@dataclass
class ReplicaPair:
    primary: PgServer
    standby: Standby

    def stop(self) -> None:
        self.standby.stop()
        self.primary.stop()


def start_pair() -> ReplicaPair:
    primary = start()
    try:
        # pgserver's server, restarted with replication settings (initdb's pg_hba.conf already lets
        # 127.0.0.1 connect for replication with trust).
        data = primary.folder / "data"
        subprocess.run(primary._cmd(_pg_bin("pg_ctl"), "-D", str(data), "-w", "-t", "30", "-m", "fast", "stop"),
                       check=True, capture_output=True, timeout=60)
        opts = (f"-c listen_addresses=127.0.0.1 -c port={primary.port} -c unix_socket_directories='' "
                f"-c fsync=off -c synchronous_commit=off -c max_connections=200 {PRIMARY_OPTIONS}")
        subprocess.run(primary._cmd(_pg_bin("pg_ctl"), "-D", str(data), "-o", opts, "-l", str(primary.folder / "log"),
                                    "-w", "-t", "30", "start"), check=True, capture_output=True, timeout=60)
        _answering(primary)
        standby = make_standby(primary)
    except BaseException:
        primary.stop()
        raise
    return ReplicaPair(primary, standby)


def make_standby(primary: PgServer) -> Standby:
    folder = Path(str(primary.folder) + "-standby")
    folder.mkdir(mode=0o755)
    if primary.as_user:
        shutil.chown(folder, user=primary.as_user)
    standby = Standby(folder=folder, port=free_port(), as_user=primary.as_user, primary=primary)
    try:
        subprocess.run(standby._cmd(_pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                                    "-D", str(folder / "data"), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
                       check=True, capture_output=True, timeout=120)
        standby.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return standby


def _answering(server: PgServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.psql("SELECT 1")
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
