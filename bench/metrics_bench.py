"""What Prometheus metrics cost the hot path (decision 0055): the API home timeline under wrk on one
`madang serve` process, for three builds in one run, alternated round by round:

- before: the source before metrics existed (``--before COMMIT``, extracted with git archive and put
  first on PYTHONPATH),
- off: this source without MADANG_METRICS (the default),
- on: this source with MADANG_METRICS=token:… (the request middleware, unit timings, the facade).

Reports req/s, p50/p99, server CPU per request and memory (RSS after start, and after the warm-up), and
the ratios off/before and on/off from the medians.

    .venv/bin/python bench/metrics_bench.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv --before 4fd3e7d [--rounds 3] [--duration 15]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--before", required=True, help="the commit before metrics")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    before_src = extract(args.before)
    toks = run_bench.tokens(args.tokens)
    rows = []
    for n in range(args.rounds):
        for build in ("before", "off", "on"):
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
        Path(args.json_out).write_text(json.dumps({"rows": rows, "medians": median, "source": server.source_state(),
                                                   "nproc": os.cpu_count()}, indent=1))


if __name__ == "__main__":
    main()
