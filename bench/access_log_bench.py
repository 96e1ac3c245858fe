"""What the access log costs. First the middleware alone: CPU time of an ASGI call with and
without it (process time, so other processes on the machine do not count). Then `madang serve`
(one process) on /health and /about, with the log on and with MADANG_ACCESS_LOG=false,
alternated: req/s from a keep-alive client with 8 connections and the server's CPU time per
request (from /proc, steadier than req/s on a shared machine).

    .venv/bin/python bench/access_log_bench.py [--requests 3000] [--rounds 3] [--micro-only]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def hammer(base: str, path: str, requests: int, connections: int = 8) -> float:
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=connections)) as http:
        queue = iter(range(requests))

        async def worker() -> None:
            for _ in queue:
                (await http.get(path)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return requests / (time.perf_counter() - started)


def run(database: Path, log: bool, path: str, requests: int) -> tuple[float, float]:
    port = free_port()
    env = {**os.environ, "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "MADANG_PORT": str(port),
           "MADANG_EMBEDDED_WORKER": "false", "MADANG_ACCESS_LOG": str(log).lower(),
           "MADANG_RATE_LIMIT_PER_5MIN": "10000000", "MADANG_SECRET_KEY": "bench-key-0123456789abcdef"}
    with tempfile.TemporaryFile() as out:
        server = subprocess.Popen([str(Path(sys.executable).with_name("madang")), "serve"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/health", timeout=2).raise_for_status()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            asyncio.run(hammer(base, path, 300))  # warm up
            before = cpu_seconds(server.pid)
            rate = asyncio.run(hammer(base, path, requests))
            return rate, (cpu_seconds(server.pid) - before) / requests * 1e6
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


def micro() -> None:
    from madang.access_log import AccessLog

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"OK"})

    async def send(message):  # type: ignore[no-untyped-def]
        pass

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": "/about", "raw_path": b"/about", "http_version": "1.1",
             "query_string": b"max_id=5&access_token=abc", "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"x"), (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"),
                         (b"accept", b"*/*"), (b"referer", b"https://a.example/b?c=1"), (b"cookie", b"s=abc")]}
    null = os.open(os.devnull, os.O_WRONLY)
    logged = AccessLog(app, fd=null)

    async def cpu(call, n: int = 20000) -> float:  # type: ignore[no-untyped-def]
        started = time.process_time()
        for _ in range(n):
            await call(scope, receive, send)
        return (time.process_time() - started) / n * 1e6

    async def best() -> tuple[float, float]:
        return min([await cpu(app) for _ in range(5)]), min([await cpu(logged) for _ in range(5)])

    bare, wrapped = asyncio.run(best())
    print(f"middleware: {wrapped - bare:.1f} µs CPU added per request ({bare:.1f} µs bare ASGI call)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--micro-only", action="store_true")
    parser.add_argument("--paths", nargs="+", default=["/health", "/about"])
    args = parser.parse_args()
    micro()
    if args.micro_only:
        return
    from madang.db.migrate import upgrade

    folder = Path(tempfile.mkdtemp(prefix="madang-access-log-"))
    try:
        database = folder / "bench.sqlite3"
        upgrade(f"sqlite+aiosqlite:///{database}")
        for path in args.paths:
            for _ in range(args.rounds):
                for log in (True, False):
                    rate, cpu = run(database, log, path, args.requests)
                    print(f"{path:8} log={'on ' if log else 'off'} {rate:7.0f} req/s  {cpu:6.0f} µs CPU/request", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
