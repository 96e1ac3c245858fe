"""Live streaming at scale: N concurrent SSE clients on one server process, each a different
follower of one author, and how long each takes to receive the author's new post.

    .venv/bin/python bench/streaming_sse.py --clients 1000 --posts 5

What it does: seeds a SQLite database with bench/seed.py (N+1 accounts with tokens, a small
history), makes every reader follow the author, starts `madang serve` (one process, the
embedded worker on), opens N `GET /api/v1/streaming/user` streams from this one client
process (asyncio, raw sockets: each stream is one TCP connection and one server-side
connection object), reads the server's RSS before and after, then posts --posts times
through the API and measures, per client, the time from just before the POST is sent to
the moment that client has read the `event: update` frame. ``--stream public:local``
opens anonymous public streams instead.

The client shares the machine with the server (2 cores here), so its own reading of N
sockets is inside the numbers; they are an upper bound on what the server needs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server as madang_server  # noqa: E402  (bench/server.py)

ROOT = Path(__file__).resolve().parent.parent
MARK = b"event: update\n"


def seed(folder: Path, clients: int) -> tuple[Path, list[tuple[int, str]]]:
    db = folder / "stream.db"
    tokens = folder / "tokens.tsv"
    subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"), "--db", str(db), "--tokens-out", str(tokens),
                    "--accounts", str(clients + 1), "--follows", "10", "--statuses", "5000"], check=True)
    rows = []
    for line in tokens.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].isdigit():
            rows.append((int(parts[0]), parts[2]))
    return db, rows


def follow_author(db: Path, author_id: int, readers: list[int]) -> None:
    from madang.core.ids import new_id

    conn = sqlite3.connect(db)
    now = time.strftime("%Y-%m-%d %H:%M:%S.000000")
    conn.executemany(
        "INSERT OR IGNORE INTO follows (id, account_id, target_account_id, created_at, show_reblogs, notify) "
        "VALUES (?, ?, ?, ?, 1, 0)", [(new_id(), r, author_id, now) for r in readers])
    conn.commit()
    conn.close()


class Client:
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.updates: list[float] = []  # when each `event: update` frame was read
        self.greeted = asyncio.Event()
        self.error: str | None = None


async def run_client(port: int, path: str, token: str | None, client: Client, stop: asyncio.Event) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        client.error = str(exc)
        client.greeted.set()
        return
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Accept: text/event-stream\r\n\r\n".encode())
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            client.error = head.split(b"\r\n", 1)[0].decode()
            client.greeted.set()
            return
        while not stop.is_set():
            chunk = await reader.read(65536)
            if not chunk:
                break
            now = time.monotonic()
            client.buffer += chunk
            if not client.greeted.is_set() and b":)" in client.buffer:
                client.greeted.set()
            while (i := client.buffer.find(MARK)) >= 0:
                client.updates.append(now)
                del client.buffer[:i + len(MARK)]
            if len(client.buffer) > 4096:  # heartbeats and payloads already seen
                del client.buffer[:-len(MARK)]
    except (OSError, asyncio.IncompleteReadError) as exc:
        client.error = client.error or repr(exc)
    finally:
        client.greeted.set()
        writer.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def measure(args: argparse.Namespace, port: int, pid: int, author_token: str,
                  reader_tokens: list[str]) -> None:
    path = "/api/v1/streaming/" + args.stream.replace(":", "/")
    anonymous = args.stream != "user"
    before = madang_server.memory(pid)["total"]
    stop = asyncio.Event()
    clients = [Client() for _ in reader_tokens]
    started = time.monotonic()
    tasks = []
    for i, (client, token) in enumerate(zip(clients, reader_tokens, strict=True)):
        tasks.append(asyncio.create_task(run_client(port, path, None if anonymous else token, client, stop)))
        if i % 50 == 49:
            await asyncio.sleep(0.01)  # a connect burst the listen backlog can take
    await asyncio.wait_for(asyncio.gather(*(c.greeted.wait() for c in clients)), 120)
    errors = [c.error for c in clients if c.error]
    connected = len(clients) - len(errors)
    print(f"connected {connected}/{len(clients)} streams in {time.monotonic() - started:.1f} s"
          + (f"; errors: {sorted(set(errors))[:3]}" if errors else ""))
    await asyncio.sleep(2)  # let the server settle (allocations, first heartbeats)
    after = madang_server.memory(pid)["total"]
    per_conn_kib = (after["rss"] - before["rss"]) * 1024 / max(connected, 1)
    print(f"server RSS {before['rss']:.1f} MiB before, {after['rss']:.1f} MiB with {connected} streams: "
          f"{per_conn_kib:.1f} KiB per connection (PSS {before['pss']:.1f} -> {after['pss']:.1f} MiB)")

    latencies: list[float] = []
    late = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                 headers={"Authorization": f"Bearer {author_token}"}) as api:
        for n in range(1, args.posts + 1):
            t0 = time.monotonic()
            answer = await api.post("/api/v1/statuses", data={"status": f"실시간 측정 글 {n}번 #마당"})
            answer.raise_for_status()
            posted = time.monotonic() - t0
            deadline = time.monotonic() + 10
            live = [c for c in clients if not c.error]
            while any(len(c.updates) < n for c in live) and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            round_lat = [c.updates[n - 1] - t0 for c in live if len(c.updates) >= n]
            missing = len(live) - len(round_lat)
            late += sum(1 for x in round_lat if x > 1.0) + missing
            latencies += round_lat
            print(f"post {n}: POST answered in {posted * 1000:.0f} ms; {len(round_lat)}/{len(live)} clients got it; "
                  f"p50 {statistics.median(round_lat) * 1000:.0f} ms, max {max(round_lat) * 1000:.0f} ms")
            await asyncio.sleep(1)
    print(f"all posts: {len(latencies)} deliveries, p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
          f"later than 1 s or missing: {late}")
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--posts", type=int, default=5)
    p.add_argument("--stream", default="user", help="user (each client a follower) or public:local (anonymous)")
    p.add_argument("--folder", default=None, help="work folder (default: a temporary one)")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.clients + 100:
        sys.exit(f"ulimit -n is {hard}: too low for {args.clients} connections")
    folder = Path(args.folder or tempfile.mkdtemp(prefix="madang-stream-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db, tokens = seed(folder, args.clients)
    (author_id, author_token), readers = tokens[0], tokens[1:args.clients + 1]
    follow_author(db, author_id, [r for r, _ in readers])
    print(f"seeded {len(tokens)} accounts; {madang_server.source_state()}")
    # The server inherits our raised descriptor limit.
    srv = madang_server.start(str(db), workers=1, log_dir=str(folder))
    try:
        asyncio.run(measure(args, srv.port, srv.proc.pid, author_token, [t for _, t in readers]))
    finally:
        srv.stop()
    print(f"server log: {srv.log_path}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
