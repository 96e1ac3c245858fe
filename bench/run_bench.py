"""Throughput, latency and memory of `madang serve` on a seeded database, with wrk.

    .venv/bin/python bench/run_bench.py --db /tmp/madang-bench/bench.db \
        --tokens /tmp/madang-bench/tokens.tsv [--workers 1 2] [--duration 20] [--profile DIR]

For each worker count: start `madang serve --workers W` on a free loopback port (rate limit
lifted), wait for /health, warm up (home and post requests), wait, read idle memory of the
process tree, then `wrk -t2 -c16 -d20s --latency` on the home timeline and on posting, and
memory again after the load. Prints a table; --json-out keeps the figures.
With --profile DIR, an extra (unmeasured) home and post run with one process is sampled by
py-spy (all threads, and GIL holder only) and summarised by profile_summary.py.
Every run is bounded in time and goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402

HERE = Path(__file__).resolve().parent
PY_SPY = server.ROOT / ".venv" / "bin" / "py-spy"


def tokens(path: str) -> list[str]:
    return [line.split("\t")[2] for line in Path(path).read_text().splitlines()[1:] if line.count("\t") == 2]


def call(url: str, token: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {token}",
                                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        return r.status


def warm_up(s: server.Server, toks: list[str]) -> None:
    for i in range(60):
        call(f"{s.url}/api/v1/timelines/home?limit=20", toks[i % len(toks)])
    for i in range(10):
        call(f"{s.url}/api/v1/statuses", toks[i], {"status": f"워밍업 글입니다 {time.time()} {i}"})


def wrk(s: server.Server, script: str, args: argparse.Namespace, n_tokens: int, duration: int) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(HERE / "wrk" / f"{script}.lua"), s.url, "--", args.tokens, str(n_tokens)]
    load_before = os.getloadavg()[0]
    cpu0, ru0 = server.cpu_seconds(s.proc.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    wall = time.monotonic() - t0
    cpu1, ru1 = server.cpu_seconds(s.proc.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("WRKJSON "):])
    result["server_cores"] = round((cpu1 - cpu0) / wall, 2)
    # CPU per request is steadier than req/s on a shared machine (others' jobs take cores).
    result["server_cpu_ms_per_request"] = round(1000 * (cpu1 - cpu0) / max(1, result["requests"]), 2)
    result["loadavg_1min_before"] = load_before
    result["wrk_cores"] = round((ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / wall, 2)
    result["command"] = " ".join(cmd)
    return result


def mixed(s: server.Server, args: argparse.Namespace, duration: int) -> dict:
    """Posting while the home timeline is under load: wrk reads (-t2 -c16) and one client
    posts one status at a time, 50 ms apart. Writes share the event loop with the reads."""
    toks = tokens(args.tokens)
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(HERE / "wrk" / "home.lua"), s.url, "--", args.tokens, str(args.home_tokens)]
    load = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    latencies = []
    end = time.monotonic() + duration - 4
    i = 0
    while time.monotonic() < end:
        t0 = time.monotonic()
        call(f"{s.url}/api/v1/statuses", toks[i % 200], {"status": f"읽기 부하 중에 쓰는 글 {i} {time.time()}"})
        latencies.append(time.monotonic() - t0)
        i += 1
        time.sleep(0.05)
    out = load.communicate(timeout=duration + 60)[0]
    home = json.loads(next(x for x in out.splitlines() if x.startswith("WRKJSON "))[len("WRKJSON "):])
    latencies.sort()
    q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000  # noqa: E731
    return {"home_rps": home["rps"], "home_p99_ms": home["latency_us"]["p99"] / 1000, "posts": len(latencies),
            "post_p50_ms": q(0.5), "post_p90_ms": q(0.9), "post_max_ms": latencies[-1] * 1000}


def pending_jobs(db: str) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        # Only work that is due: periodic jobs (trends) always wait for their next run.
        return dict(conn.execute("SELECT state, count(*) FROM jobs WHERE state != 'pending' "
                                 "OR run_at <= strftime('%Y-%m-%d %H:%M:%f', 'now') GROUP BY state").fetchall())
    finally:
        conn.close()


def drain(db: str, limit: float) -> tuple[float, dict]:
    """Seconds until no job is pending or running (the fan-out backlog the post run left)."""
    t0 = time.monotonic()
    while True:
        jobs = pending_jobs(db)
        if not jobs.get("pending") and not jobs.get("running"):
            return time.monotonic() - t0, jobs
        if time.monotonic() - t0 > limit:
            return float("nan"), jobs
        time.sleep(0.5)


def profile(s: server.Server, script: str, args: argparse.Namespace, n_tokens: int, out_dir: Path) -> None:
    """py-spy on the server during an unmeasured wrk run: all threads, then GIL holder only."""
    for mode in ("all", "gil"):
        path = out_dir / f"{script}-{mode}.txt"
        cmd = ["wrk", "-t2", f"-c{args.connections}", "-d14s", "-s", str(HERE / "wrk" / f"{script}.lua"), s.url,
               "--", args.tokens, str(n_tokens)]
        load = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        time.sleep(2)
        spy = [str(PY_SPY), "record", "-p", str(s.proc.pid), "-d", "10", "-r", "250", "-f", "raw", "-o", str(path),
               "--nonblocking"] + (["--gil"] if mode == "gil" else [])
        subprocess.run(spy, capture_output=True, timeout=60)
        load.wait(timeout=60)
        summary = subprocess.run([sys.executable, str(HERE / "profile_summary.py"), str(path), "--top", "25"],
                                 capture_output=True, text=True).stdout
        (out_dir / f"{script}-{mode}.summary.txt").write_text(summary)
        print(f"\n--- profile {script} ({mode}) ---\n{summary}", flush=True)


def bare(args: argparse.Namespace) -> dict:
    """wrk against bare_app.py serving a real home page of this database (same wrk flags)."""
    toks = tokens(args.tokens)
    s = server.start(args.db, workers=1, log_dir=args.log_dir)
    try:
        req = urllib.request.Request(f"{s.url}/api/v1/timelines/home?limit=20",
                                     headers={"Authorization": f"Bearer {toks[0]}"})
        page = Path(args.log_dir) / "home-page.json"
        page.write_bytes(urllib.request.urlopen(req, timeout=30).read())
    finally:
        s.stop()
    port = server.free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "bare_app.py"), str(page), str(port)],
                            start_new_session=True)
    try:
        time.sleep(3)
        fake = server.Server(proc, port, Path(os.devnull))
        result = wrk(fake, "home", args, args.home_tokens, min(10, args.duration))
    finally:
        fake.stop()
    result["page_bytes"] = page.stat().st_size
    return result


def run(args: argparse.Namespace, workers: int) -> dict:
    toks = tokens(args.tokens)
    command = None
    if args.experiment:
        command = [sys.executable, str(HERE / "experiment_serve.py"), *args.experiment.split()]
    redis = None
    env = {}
    if args.redis:
        # A private redis-server, as a deployment of several processes has (live streams
        # hear every process's posts): each post is also published to it.
        port = server.free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL, start_new_session=True)
        time.sleep(0.5)
        env["MADANG_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    s = server.start(args.db, workers=workers, log_dir=args.log_dir, command=command, extra_env=env)
    try:
        time.sleep(2)
        started = server.memory(s.proc.pid)
        warm_up(s, toks)
        time.sleep(args.idle_wait)
        idle = server.memory(s.proc.pid)
        home = wrk(s, "home", args, args.home_tokens, args.duration)
        post = wrk(s, "post", args, args.post_tokens, args.duration)
        jobs = pending_jobs(args.db)  # right after the post run
        drain_s, _ = drain(args.db, args.drain_limit)
        mix = mixed(s, args, args.duration) if args.mixed else None  # with no backlog
        drain(args.db, args.drain_limit)
        time.sleep(3)
        after = server.memory(s.proc.pid)
        if args.profile and workers == 1:
            out = Path(args.profile)
            out.mkdir(parents=True, exist_ok=True)
            profile(s, "home", args, args.home_tokens, out)
            profile(s, "post", args, args.post_tokens, out)
            drain(args.db, args.drain_limit)  # leave no backlog for the next server
    finally:
        s.stop()
        if redis is not None:
            redis.terminate()
            redis.wait(10)
    return {"workers": workers, "startup_memory": started, "idle_memory": idle, "after_load_memory": after,
            "home": home, "post": post, "jobs_after_post_run": jobs, "drain_s": drain_s, "mixed": mix}


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def table(results: list[dict]) -> str:
    lines = ["| workers | endpoint | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | server cores | "
             "server CPU ms/req | wrk cores | load avg before |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        for name, label in (("home", "GET /api/v1/timelines/home?limit=20"), ("post", "POST /api/v1/statuses")):
            x = r[name]
            lat = x["latency_us"]
            errs = x["errors"]["status"] + x["errors"]["timeout"] + x["errors"]["connect"]
            lines.append(f"| {r['workers']} | {label} | {x['rps']:,.0f} | {ms(lat['p50'])} | {ms(lat['p90'])} | "
                         f"{ms(lat['p99'])} | {ms(lat['max'])} | {errs} | {x['server_cores']} | "
                         f"{x['server_cpu_ms_per_request']} | {x['wrk_cores']} | {x['loadavg_1min_before']:.1f} |")
    lines += ["", "| workers | posts in the run | jobs pending at its end | backlog drained after s | "
              "posts/s including the drain |", "| ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        x = r["post"]
        pending = r["jobs_after_post_run"].get("pending", 0) + r["jobs_after_post_run"].get("running", 0)
        total_s = x["duration_us"] / 1e6 + r["drain_s"]
        lines.append(f"| {r['workers']} | {x['requests']:,} | {pending:,} | {r['drain_s']:.1f} | "
                     f"{x['requests'] / total_s:,.0f} |")
    if any(r.get("mixed") for r in results):
        lines += ["", "| workers | home req/s while posting | home p99 ms | posts (one client, 50 ms apart) | "
                  "post p50 ms | post p90 ms | post max ms |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in results:
            x = r.get("mixed")
            if x:
                lines.append(f"| {r['workers']} | {x['home_rps']:,.0f} | {x['home_p99_ms']:.0f} | {x['posts']} | "
                             f"{x['post_p50_ms']:.0f} | {x['post_p90_ms']:.0f} | {x['post_max_ms']:.0f} |")
    lines += ["", "| workers | processes | RSS MiB at start (anon + file) | idle after warm-up: RSS (anon + file) | PSS |"
              " idle after the load runs: RSS (anon + file) | PSS |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def m(x: dict) -> str:
        return f"{x['rss']:.0f} ({x['anon']:.0f} + {x['file']:.0f})"
    for r in results:
        st, i, a = r["startup_memory"]["total"], r["idle_memory"]["total"], r["after_load_memory"]["total"]
        lines.append(f"| {r['workers']} | {len(r['idle_memory']['procs'])} | {m(st)} | {m(i)} | {i['pss']:.0f} | "
                     f"{m(a)} | {a['pss']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    p.add_argument("--duration", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--home-tokens", type=int, default=1000, help="distinct accounts reading their home")
    p.add_argument("--post-tokens", type=int, default=200, help="distinct accounts posting")
    p.add_argument("--idle-wait", type=float, default=5.0, help="seconds between warm-up and the idle reading")
    p.add_argument("--drain-limit", type=float, default=240, help="max seconds to wait for the job backlog")
    p.add_argument("--profile", help="directory for py-spy profiles (one-process run only)")
    p.add_argument("--log-dir", default="/tmp")
    p.add_argument("--experiment", help="run bench/experiment_serve.py with these flags instead of madang serve "
                   "(one process), e.g. '--reader-pool 2'")
    p.add_argument("--mixed", action="store_true", help="also: post one at a time while wrk loads the home timeline")
    p.add_argument("--redis", action="store_true", help="run the servers with a private redis-server (MADANG_REDIS_URL)")
    p.add_argument("--bare", action="store_true", help="also measure bare_app.py (the HTTP stack's ceiling)")
    p.add_argument("--json-out")
    args = p.parse_args()
    results = []
    ceiling = None
    if args.bare:
        ceiling = bare(args)
        print(f"bare uvicorn app, precomputed {ceiling['page_bytes']:,}-byte home page: {ceiling['rps']:,.0f} req/s, "
              f"p99 {ms(ceiling['latency_us']['p99'])} ms, {ceiling['server_cores']} cores", flush=True)
    for w in args.workers:
        state = server.source_state()
        print(f"== madang serve --workers {w} ({state}; {time.strftime('%H:%M:%S', time.gmtime())} UTC)", flush=True)
        results.append(run(args, w))
        results[-1]["source"] = state
        print(json.dumps({k: v for k, v in results[-1].items() if k in ("home", "post")}, indent=1), flush=True)
    print()
    print(table(results))
    if ceiling is not None:
        home1 = next((r["home"]["rps"] for r in results if r["workers"] == 1), None)
        print(f"\nbare uvicorn ceiling: {ceiling['rps']:,.0f} req/s (p99 {ms(ceiling['latency_us']['p99'])} ms)"
              + (f"; madang home with one process is {100 * home1 / ceiling['rps']:.2f}% of it" if home1 else ""))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"bare": ceiling, "runs": results}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
