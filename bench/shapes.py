"""The shapes a city runs (docs/ops/shapes.md), each started as documented and loaded alike with wrk.

    .venv/bin/python bench/shapes.py a b c [--replica] [--duration 10] [--accounts 1000 --statuses 20000]

  a  one process (`madang serve`, the job worker inside), SQLite
  b  two web processes (`madang serve --workers 2`) and one `madang worker`, SQLite and Redis
  c  as b, on PostgreSQL through pgbouncer (transaction pooling) and Redis; --replica adds a hot
     standby made with pg_basebackup that timelines, profiles and search read from

A seed is made once per size with bench/seed.py (SQLite; copied table by table into PostgreSQL for
shape c). Per shape: start it, warm up, read the RSS of every process (madang's and the servers'),
run `wrk -t2 -c16` for --duration seconds on the home timeline, the public timeline and posting,
then read the RSS again and stop everything. Everything runs on 127.0.0.1 in --work, bounded in
time; PostgreSQL, pgbouncer and Redis are throwaway servers (tests/support), never a system one.
"""

from __future__ import annotations

import contextlib
import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import server  # noqa: E402

HERE = Path(__file__).resolve().parent
MADANG = server.MADANG
ENDPOINTS = (("home", "GET /api/v1/timelines/home?limit=20"), ("public", "GET /api/v1/timelines/public?limit=20"),
             ("post", "POST /api/v1/statuses"))


def log(msg: str) -> None:
    print(f"[shapes {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- seeding ---------------------------------------------------------------------------------

def seed(work: Path, accounts: int, statuses: int) -> tuple[Path, Path]:
    """The SQLite seed and its tokens, made once per size (bench/seed.py)."""
    db, tokens = work / f"seed-{accounts}-{statuses}.sqlite3", work / f"tokens-{accounts}-{statuses}.tsv"
    if not db.exists():
        log(f"seeding {accounts:,} accounts and {statuses:,} statuses")
        subprocess.run([sys.executable, str(HERE / "seed.py"), "--db", str(db), "--tokens-out", str(tokens),
                        "--accounts", str(accounts), "--statuses", str(statuses),
                        "--follows", str(min(40, accounts - 1))], check=True, timeout=3600)
    return db, tokens


def copy_into_postgres(sqlite_path: Path, pg_url: str) -> None:
    """Every row of the (migrated) SQLite seed into a migrated, empty PostgreSQL database with COPY,
    values read through the models' column types (times, booleans, JSON as PostgreSQL wants them)."""
    import orjson
    from sqlalchemy import JSON, TypeDecorator, create_engine, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from madang import models  # noqa: F401 - every table registered
    from madang.models.base import Base

    source = create_engine(f"sqlite:///{sqlite_path}")

    def converter(column):  # type: ignore[no-untyped-def]
        impl = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
        if isinstance(impl, JSON):
            return lambda v: orjson.dumps(v).decode() if v is not None else None
        return None

    async def copy() -> None:
        target = create_async_engine(pg_url)
        try:
            async with target.begin() as conn:
                raw = (await conn.get_raw_connection()).driver_connection
                await raw.execute("SET session_replication_role = replica")  # no FK checks while loading
                for table in Base.metadata.sorted_tables:
                    if table.name == "jobs":
                        continue
                    columns = [c.name for c in table.columns]
                    convert = [converter(c) for c in table.columns]
                    total = 0
                    with source.connect() as reading:
                        rows = reading.execute(select(table))
                        while batch := rows.fetchmany(20_000):
                            records = [tuple(f(v) if f else v for f, v in zip(convert, row, strict=True))
                                       for row in batch]
                            await raw.copy_records_to_table(table.name, records=records, columns=columns)
                            total += len(records)
                    if total:
                        log(f"postgresql: {table.name}: {total:,} rows")
        finally:
            await target.dispose()
        # Statistics and the visibility map, as autovacuum would make them a little later.
        import asyncpg

        conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()

    asyncio.run(copy())
    source.dispose()


# --- shapes ----------------------------------------------------------------------------------

@dataclass
class Shape:
    name: str
    base: str
    processes: dict[str, int] = field(default_factory=dict)  # label -> pid (memory read over its tree)


def _popen(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    out = log_path.open("wb")
    return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=log_path.parent)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(5)


def _answering(base: str, proc: subprocess.Popen, log_path: Path, workers: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"madang serve exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/health", timeout=2) as r:  # not up yet
            if r.status == 200:
                while workers > 1 and time.monotonic() < deadline and len(server.tree(proc.pid)) < workers + 1:
                    time.sleep(0.2)  # every uvicorn worker up, not just the first
                return
        time.sleep(0.2)
    raise RuntimeError("madang serve did not answer /health in 90 s")


def start_shape(name: str, args: argparse.Namespace, seed_db: Path, stack: ExitStack) -> Shape:
    from tests.support import pgbouncer, pgreplica, pgserver, redisserver

    folder = Path(args.work) / f"shape-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    port = server.free_port()
    env = {**os.environ, "MADANG_HOST": "127.0.0.1", "MADANG_PORT": str(port), "MADANG_MEDIA_PATH": str(folder / "media"),
           "MADANG_SECRET_KEY": "bench-shapes-secret-key-0123456789", "MADANG_RATE_LIMIT_PER_5MIN": "100000000",
           "MADANG_ACCESS_LOG": "false", "MADANG_FEDERATION": "false"}
    processes: dict[str, int] = {}
    if name == "a":
        database = folder / "madang.sqlite3"
        shutil.copyfile(seed_db, database)
        env["MADANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
        workers = 1
    else:
        redis = redisserver.start()
        stack.callback(redis.stop)
        processes["redis"] = redis.process.pid
        env |= {"MADANG_REDIS_URL": redis.url, "MADANG_EMBEDDED_WORKER": "false"}
        workers = 2
        if name == "b":
            database = folder / "madang.sqlite3"
            shutil.copyfile(seed_db, database)
            env["MADANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
        else:
            from madang.db.migrate import upgrade

            if args.replica:
                pair = pgreplica.start_pair()
                stack.callback(pair.stop)
                primary = pair.primary
            else:
                primary = pgserver.start()
                stack.callback(primary.stop)
            primary.psql("CREATE DATABASE madang")
            log("postgresql: migrating (directly, not through pgbouncer) and copying the seed")
            upgrade(primary.url("madang"))
            copy_into_postgres(seed_db, primary.url("madang"))
            processes["postgresql"] = _postmaster(primary)
            if args.no_pgbouncer:  # for comparison: straight to PostgreSQL
                env["MADANG_DATABASE_URL"] = primary.url("madang")
            else:
                bouncer = pgbouncer.start(primary, pool_size=20)
                stack.callback(bouncer.stop)
                processes["pgbouncer"] = bouncer.process.pid
                env |= {"MADANG_DATABASE_URL": bouncer.url("madang"), "MADANG_DATABASE_POOLER": "pgbouncer"}
            if args.replica:
                pair.standby.caught_up(timeout=600)
                processes["standby"] = _postmaster(pair.standby)
                env["MADANG_DATABASE_REPLICA_URL"] = pair.standby.url("madang")
        worker = _popen([str(MADANG), "worker"], env, folder / "worker.log")
        stack.callback(_stop, worker)
        processes["madang worker"] = worker.pid
    serve = _popen([str(MADANG), "serve", "--workers", str(workers)], env, folder / "serve.log")
    stack.callback(_stop, serve)
    base = f"http://127.0.0.1:{port}"
    _answering(base, serve, folder / "serve.log", workers)
    processes = {f"madang serve --workers {workers}": serve.pid, **processes}
    return Shape(name, base, processes)


def _postmaster(pg) -> int:  # type: ignore[no-untyped-def]
    return int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])


# --- load ------------------------------------------------------------------------------------

def memory(shape: Shape) -> dict[str, dict]:
    """RSS in MiB per process of each part (a part's tree: uvicorn's workers, PostgreSQL's backends)."""
    out = {}
    for label, pid in shape.processes.items():
        m = server.memory(pid)
        out[label] = {"total_rss": round(m["total"]["rss"], 1),
                      "procs": [round(p["rss"], 1) for p in m["procs"] if p["rss"] > 1]}
    return out


def warm_up(base: str, tokens: list[str]) -> None:
    for i in range(40):
        for path in ("/api/v1/timelines/home?limit=20", "/api/v1/timelines/public?limit=20"):
            req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"})
            urllib.request.urlopen(req, timeout=30).read()
    for i in range(10):
        body = json.dumps({"status": f"준비 운동 {i} {time.time()}"}).encode()
        req = urllib.request.Request(base + "/api/v1/statuses", data=body, headers={
            "Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=30).read()


def wrk(base: str, script: str, tokens_path: Path, n_tokens: int, duration: int, connections: int) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(HERE / "wrk" / f"{script}.lua"), base, "--", str(tokens_path), str(n_tokens)]
    load = os.getloadavg()[0]  # a shared machine: how busy it was when the run began
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("WRKJSON "):])
    result["command"] = " ".join(cmd)
    result["loadavg_1min_before"] = load
    return result


def measure(name: str, args: argparse.Namespace, seed_db: Path, tokens_path: Path) -> dict:
    tokens = [line.split("\t")[2] for line in tokens_path.read_text().splitlines()[1:] if line.count("\t") == 2]
    with ExitStack() as stack:
        started_at = time.monotonic()
        shape = start_shape(name, args, seed_db, stack)
        log(f"shape {name} answering at {shape.base} after {time.monotonic() - started_at:.0f} s")
        warm_up(shape.base, tokens)
        time.sleep(2)
        at_start = memory(shape)
        runs = {}
        for script, _ in ENDPOINTS:
            runs[script] = wrk(shape.base, script, tokens_path, 200 if script == "post" else 1000,
                               args.duration, args.connections)
            log(f"shape {name} {script}: {runs[script]['rps']:.0f} req/s")
        time.sleep(2)
        at_end = memory(shape)
    label = name + (" + replica" if name == "c" and args.replica else "") + (
        " without pgbouncer" if name == "c" and args.no_pgbouncer else "")
    return {"shape": label, "runs": runs, "memory_start": at_start, "memory_end": at_end}


def report(results: list[dict], args: argparse.Namespace) -> str:
    lines = [f"wrk -t2 -c{args.connections} -d{args.duration}s per endpoint; seed {args.accounts:,} accounts, "
             f"{args.statuses:,} statuses; {server.source_state()}", "",
             "| shape | endpoint | req/s | p50 ms | p99 ms | errors (non-2xx, socket) | load avg before |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        for script, label in ENDPOINTS:
            run = r["runs"][script]
            e = run["errors"]
            lines.append(f"| {r['shape']} | {label} | {run['rps']:.0f} | {run['latency_us']['p50'] / 1000:.1f} | "
                         f"{run['latency_us']['p99'] / 1000:.1f} | {e['status']}, "
                         f"{e['connect'] + e['read'] + e['write'] + e['timeout']} | {run['loadavg_1min_before']:.1f} |")
    lines += ["", "| shape | process | RSS MiB at start (per process) | RSS MiB at end (per process) |",
              "| --- | --- | --- | --- |"]
    for r in results:
        for label, start in r["memory_start"].items():
            end = r["memory_end"].get(label, {"total_rss": 0, "procs": []})
            lines.append(f"| {r['shape']} | {label} | {start['total_rss']} ({', '.join(map(str, start['procs']))}) | "
                         f"{end['total_rss']} ({', '.join(map(str, end['procs']))}) |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shapes", nargs="+", choices=["a", "b", "c"])
    p.add_argument("--replica", action="store_true", help="shape c with a hot standby for reads")
    p.add_argument("--no-pgbouncer", action="store_true", help="shape c straight to PostgreSQL (a comparison)")
    p.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--accounts", type=int, default=1000)
    p.add_argument("--statuses", type=int, default=20_000)
    p.add_argument("--work", default="/tmp/madang-shapes")
    p.add_argument("--json-out")
    args = p.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: install Debian's wrk")
    Path(args.work).mkdir(parents=True, exist_ok=True)
    seed_db, tokens = seed(Path(args.work), args.accounts, args.statuses)
    results = [measure(name, args, seed_db, tokens) for name in args.shapes]
    print(report(results, args))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
