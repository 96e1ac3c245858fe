"""madang loaded exactly as the peers' README loaded Takahē, so the figures stand side by side.

    .venv/bin/python bench/peer_load.py [--workers 1] [--json-out /tmp/peer-load.json]

Migrates a fresh SQLite file, starts `madang serve` on a free loopback port (rate limit lifted
as for every benchmark), and runs ../shared/peers/mastodon_load.py against it with the
README's flags: 51 accounts (the ring and the fan-out poster) signed up through `POST /api/v1/accounts`, a follow ring of 20,
20 posts each through the API, then 20 s a phase at concurrency 8, and the fan-out delay to
50 followers. The memory it reports is the whole `madang serve` tree (web and worker; SQLite
needs no server of its own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402

LOAD = server.ROOT.parent / "shared" / "peers" / "mastodon_load.py"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--duration", type=int, default=20)
    p.add_argument("--json-out", default="/tmp/peer-load.json")
    p.add_argument("--load-script", default=str(LOAD))
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="madang-peer-"))
    db = folder / "peer.db"
    env = dict(os.environ, MADANG_DATABASE_URL=f"sqlite+aiosqlite:///{db}")
    subprocess.run([str(server.MADANG), "migrate"], env=env, check=True, cwd=str(server.ROOT),
                   stdout=subprocess.DEVNULL)
    print(f"== madang serve --workers {args.workers} ({server.source_state()})", flush=True)
    s = server.start(str(db), workers=args.workers, log_dir=str(folder))
    try:
        subprocess.run([sys.executable, args.load_script, "--base-url", s.url, "--register", "51",
                        "--accounts", "50", "--follows", "20", "--statuses", "20", "--duration", str(args.duration),
                        "--concurrency", "8", "--fanout", "50", "--proc", f"web={s.proc.pid}",
                        "--json-out", args.json_out], check=True, timeout=900)
    finally:
        s.stop()


if __name__ == "__main__":
    main()
