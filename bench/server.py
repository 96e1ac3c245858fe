"""Start and stop `madang serve` on a free loopback port; read the memory of its process tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MADANG = ROOT / ".venv" / "bin" / "madang"


def source_state() -> str:
    """Which source was measured (others edit src/ while benchmarks run): a hash of every
    src/**/*.py and the time of the newest edit."""
    import hashlib
    from datetime import datetime, timezone

    h = hashlib.sha256()
    newest = 0.0
    for path in sorted((ROOT / "src").rglob("*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    when = datetime.fromtimestamp(newest, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return f"src sha256 {h.hexdigest()[:12]}, newest edit {when} UTC"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """SIGTERM to our own process group (madang serve and its uvicorn workers only)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def start(db_path: str, *, workers: int = 1, log_dir: str = "/tmp", extra_env: dict | None = None,
          timeout: float = 60, command: list[str] | None = None) -> Server:
    """``command`` replaces `madang serve --workers N` (bench/experiment_serve.py)."""
    port = free_port()
    env = dict(os.environ)
    env.update({
        "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{os.path.abspath(db_path)}",
        "MADANG_HOST": "127.0.0.1",
        "MADANG_PORT": str(port),
        "MADANG_RATE_LIMIT_PER_5MIN": "100000000",  # so rate limiting does not cap the run
    })
    env.update(extra_env or {})
    log_path = Path(log_dir) / f"madang-serve-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(command or [str(MADANG), "serve", "--workers", str(workers)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
    server = Server(proc, port, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"madang serve exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as r:
                if r.status == 200:
                    if workers > 1:  # every uvicorn worker up, not just the first
                        _wait_children(proc.pid, workers, deadline)
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"madang serve did not answer /health in {timeout}s")


def _wait_children(pid: int, workers: int, deadline: float) -> None:
    while time.monotonic() < deadline and len(tree(pid)) < workers + 1:
        time.sleep(0.2)
    time.sleep(1.5)  # their startup (imports, app) after the fork


# --- memory ------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid: int) -> list[int]:
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _kb(path: str, keys: tuple[str, ...]) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    try:
        with open(path) as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in out:
                    out[name] = int(rest.split()[0])
    except OSError:
        pass
    return out


def memory(pid: int) -> dict:
    """RSS (with its anonymous/file split) and PSS, in MiB, of ``pid`` and its descendants.
    (`multiprocessing`'s resource tracker, a tiny helper, is counted too when present.)"""
    procs = []
    for p in tree(pid):
        st = _kb(f"/proc/{p}/status", ("VmRSS", "RssAnon", "RssFile", "RssShmem"))
        pss = _kb(f"/proc/{p}/smaps_rollup", ("Pss",))["Pss"]
        try:
            cmd = open(f"/proc/{p}/cmdline").read().replace("\0", " ").strip()[:80]
        except OSError:
            cmd = "?"
        procs.append({"pid": p, "cmd": cmd, "rss": st["VmRSS"] / 1024, "anon": st["RssAnon"] / 1024,
                      "file": st["RssFile"] / 1024, "pss": pss / 1024})
    total = {k: sum(x[k] for x in procs) for k in ("rss", "anon", "file", "pss")}
    return {"total": total, "procs": procs}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of ``pid`` and its descendants."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":  # python bench/server.py DB [workers]: start, print memory, stop
    s = start(sys.argv[1], workers=int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    time.sleep(3)
    print(s.url, memory(s.proc.pid))
    s.stop()
