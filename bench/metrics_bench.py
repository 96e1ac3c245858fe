"""What Prometheus metrics cost the hot path (decision 0055): the API home timeline under wrk on one
`madang serve` process, for three builds in one run, alternated round by round:

- before: the source before metrics existed (``--before COMMIT``, extracted with git archive and put
  first on PYTHONPATH),
- off: this source without MADANG_METRICS (the default),
- on: this source with MADANG_METRICS=token:… (the request middleware, unit timings, the facade).

Reports req/s, p50/p99, server CPU per request and memory (RSS after start, and after the warm-up), and
the ratios off/before and on/off from the medians. The order of the builds rotates each round.

    .venv/bin/python bench/metrics_bench.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv --before 4fd3e7d [--rounds 3] [--duration 15]
    .venv/bin/python bench/metrics_bench.py --micro-only   (the middleware's CPU per request alone)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402
import server  # noqa: E402

TOKEN = "bench-metrics-token-0123456789"


def extract(commit: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="madang-before-"))
    archive = subprocess.run(["git", "archive", commit, "src"], cwd=server.ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def measure(build: str, args: argparse.Namespace, before_src: Path, toks: list[str]) -> dict:
    env = {"MADANG_EMBEDDED_WORKER": "false", "MADANG_ACCESS_LOG": "false"}
    if build == "before":
        env["PYTHONPATH"] = str(before_src)
    if build == "on":
        env["MADANG_METRICS"] = f"token:{TOKEN}"
    s = server.start(args.db, workers=1, extra_env=env)
    try:
        time.sleep(2)
        rss_start = server.memory(s.proc.pid)["total"]["rss"]
        for token in toks[:1000]:  # each reader once: steady state, not a cold start
            run_bench.call(f"{s.url}/api/v1/timelines/home?limit=20", token)
        time.sleep(1)
        rss = server.memory(s.proc.pid)["total"]["rss"]
        result = run_bench.wrk(s, "home", args, 1000, args.duration)
        if build == "on":  # the run was counted, by template
            import urllib.request

            request = urllib.request.Request(f"{s.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                scraped = answer.read().decode()
            assert 'route="/api/v1/timelines/home"' in scraped, scraped[:2000]
        return {"build": build, "rps": result["rps"], "p50_ms": result["latency_us"]["p50"] / 1000,
                "p99_ms": result["latency_us"]["p99"] / 1000, "cpu_ms": result["server_cpu_ms_per_request"],
                "errors": result["errors"], "rss_start_mib": round(rss_start, 1), "rss_mib": round(rss, 1), "load": result["loadavg_1min_before"]}
    finally:
        s.stop()


def micro() -> dict:
    """CPU of the request middleware alone: a bare ASGI call with and without it (process time, best
    of 5 runs of 20,000 calls, so other processes on the machine do not count)."""
    import asyncio

    from madang.ops.metrics import Metrics, RequestMetrics

    class Route:
        path_format = "/api/v1/timelines/home"

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        scope["route"] = Route
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    async def send(message):  # type: ignore[no-untyped-def]
        """The client side of the measured call: takes the answer and drops it."""

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request"}

    wrapped = RequestMetrics(app, metrics=Metrics(TOKEN, None), router=None)

    async def cpu(call, n: int = 20000) -> float:  # type: ignore[no-untyped-def]
        started = time.process_time()
        for _ in range(n):
            await call({"type": "http", "method": "GET", "path": "/api/v1/timelines/home"}, receive, send)
        return (time.process_time() - started) / n * 1e6

    async def best() -> tuple[float, float]:
        return min([await cpu(app) for _ in range(5)]), min([await cpu(wrapped) for _ in range(5)])

    bare, with_metrics = asyncio.run(best())
    print(f"middleware: {with_metrics - bare:.1f} µs CPU added per request ({bare:.1f} µs bare ASGI call)", flush=True)
    plain_unit, timed_unit = asyncio.run(_units())
    print(f"database read unit: {timed_unit - plain_unit:.1f} µs CPU added by its timing ({plain_unit:.1f} µs an empty "
          "SQLite read unit)", flush=True)
    return {"bare_us": round(bare, 2), "with_metrics_us": round(with_metrics, 2), "read_unit_us": round(plain_unit, 2),
            "timed_read_unit_us": round(timed_unit, 2)}


async def _units() -> tuple[float, float]:
    """An empty read unit on SQLite, from a Database made before and after the recorder is installed."""
    from madang.core import metrics as facade
    from madang.db import Database
    from madang.ops.metrics import Metrics

    folder = Path(tempfile.mkdtemp(prefix="madang-units-"))
    plain = Database(f"sqlite+aiosqlite:///{folder}/a.db")
    facade.install(Metrics(TOKEN, None))
    timed = Database(f"sqlite+aiosqlite:///{folder}/a.db")
    facade.install(None)

    async def cpu(db: Database, n: int = 20000) -> float:
        started = time.process_time()
        for _ in range(n):
            async with db.read():
                pass
        return (time.process_time() - started) / n * 1e6

    try:
        return min([await cpu(plain) for _ in range(5)]), min([await cpu(timed) for _ in range(5)])
    finally:
        await plain.dispose()
        await timed.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--tokens")
    parser.add_argument("--before", help="the commit before metrics")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json-out")
    parser.add_argument("--micro-only", action="store_true")
    args = parser.parse_args()
    cost = micro()
    if args.micro_only:
        return
    before_src = extract(args.before)
    toks = run_bench.tokens(args.tokens)
    rows = []
    builds = ["before", "off", "on"]
    for n in range(args.rounds):
        # Rotated each round, so no build always runs first or last (the machine's load drifts).
        for build in builds[n % 3:] + builds[:n % 3]:
            row = {"round": n + 1, **measure(build, args, before_src, toks)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    median = {b: {k: statistics.median(r[k] for r in rows if r["build"] == b) for k in ("rps", "cpu_ms", "p99_ms", "rss_start_mib", "rss_mib")}
              for b in ("before", "off", "on")}
    print(f"medians: {json.dumps(median)}")
    print(f"req/s  off/before {median['off']['rps'] / median['before']['rps']:.3f}, on/off "
          f"{median['on']['rps'] / median['off']['rps']:.3f}")
    print(f"CPU/request  off/before {median['off']['cpu_ms'] / median['before']['cpu_ms']:.3f}, on/off "
          f"{median['on']['cpu_ms'] / median['off']['cpu_ms']:.3f}")
    for key, what in (("rss_start_mib", "RSS MiB after start"), ("rss_mib", "RSS MiB after warm-up")):
        print(f"{what}  before {median['before'][key]}, off {median['off'][key]}, on {median['on'][key]}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"micro": cost, "rows": rows, "medians": median, "source": server.source_state(),
                                                   "nproc": os.cpu_count()}, indent=1))


if __name__ == "__main__":
    main()
