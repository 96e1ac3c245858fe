"""Idle memory of `madang serve` as issue 14's target reads it: an empty migrated SQLite database,
one request each to NodeInfo, the instance, the instance actor and the front page, then idle;
RSS (anonymous + file) and PSS of the process tree from /proc. Several rounds, alternating
between the builds given, so a noisy machine treats them alike.

    .venv/bin/python bench/idle_memory.py [--rounds 2] [--idle 20] [--env NAME=VALUE ...]
    .venv/bin/python bench/idle_memory.py --source /path/to/other/checkout ...   # A/B two builds
    .venv/bin/python bench/idle_memory.py --account --idle 40   # after the server made a key pair
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402

PATHS = ["/.well-known/nodeinfo", "/nodeinfo/2.0", "/api/v1/instance", "/actor", "/"]


def measure(source: Path, idle: float, env: dict[str, str], account: bool = False) -> dict:
    madang = source / ".venv" / "bin" / "madang"
    if not madang.exists():
        madang = server.MADANG
    folder = Path(tempfile.mkdtemp(prefix="idle-mem-"))
    db = folder / "idle.sqlite3"
    base_env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "PYTHONPATH": str(source / "src")}
    subprocess.run([str(madang), "migrate"], env=base_env, check=True, capture_output=True, cwd=str(source))
    if account:  # the server's keys job makes its key pair (RSA, the cryptography library) 30 s after start
        subprocess.run([str(madang), "accounts", "create", "city", "city@example.org", "--password", "x" * 16,
                        "--organisation"], env=base_env, check=True, capture_output=True, cwd=str(source))
    s = server.start(str(db), extra_env={"PYTHONPATH": str(source / "src"), **env},
                     command=[str(madang), "serve"])
    try:
        started = server.memory(s.proc.pid)["total"]
        for path in PATHS:
            req = urllib.request.Request(s.url + path, headers={"Accept": "application/activity+json"}
                                         if path == "/actor" else {})
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except OSError as e:
                print(f"  {path}: {e}", file=sys.stderr)
        time.sleep(idle)
        return {"start": started, "idle": server.memory(s.proc.pid)["total"]}
    finally:
        s.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--idle", type=float, default=20)
    p.add_argument("--source", action="append", default=[], help="another checkout to compare (A/B)")
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    p.add_argument("--account", action="store_true",
                   help="one local account made before the start; give --idle 40 to read after its key is made")
    args = p.parse_args()
    env = dict(x.split("=", 1) for x in args.env)
    sources = [server.ROOT] + [Path(x).resolve() for x in args.source]
    for r in range(args.rounds):
        for src in sources:
            m = measure(src, args.idle, env, args.account)
            i, st = m["idle"], m["start"]
            print(f"round {r + 1} {src}: start {st['rss']:.1f} MiB; idle RSS {i['rss']:.1f} MiB "
                  f"({i['anon']:.1f} anon + {i['file']:.1f} file), PSS {i['pss']:.1f} MiB", flush=True)


if __name__ == "__main__":
    main()
