"""Prometheus metrics for /metrics (docs/ops/monitoring.md, decision 0055), made only when MADANG_METRICS
is set: prometheus_client is imported here, lazily, so an instance without metrics never loads it.

Requests are counted by a pure ASGI middleware by route template (``/api/v1/accounts/{id}``, never the
raw path), method and status class. Jobs, federation delivery, the database's units and live streams
count through the facade `madang.core.metrics`, whose recorder this module installs. The job queue's
depth and age are read at scrape time by one query on ``ix_jobs_state_run_at``.

Several web processes (`madang serve --workers N`) share their counts through prometheus_client's
multiprocess mode: each process writes its values to memory-mapped files in one folder, and whichever
process answers a scrape adds them up.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text

from madang.core import metrics as facade
from madang.core.clock import utcnow
from madang.core.settings import Settings
from madang.db import Database
from madang.models.jobs import Job
from madang.ops.health import as_datetime

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route: a 404's path is whatever a scanner sent, never a label

# Due and running jobs by name: an index range scan of ix_jobs_state_run_at (state IN …, run_at <= now).
QUEUE_QUERY = text(
    "SELECT name, state, count(*) AS n, min(run_at) AS oldest FROM jobs "
    "WHERE state IN ('pending', 'running') AND run_at <= :now GROUP BY name, state"
).bindparams(bindparam("now", type_=Job.run_at.type))
# PostgreSQL: backends of this database waiting for a lock right now (a view of shared memory).
PG_LOCK_WAITS = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")


def token_of(setting: str) -> str | None:
    """The bearer token a scraper must send, or None when metrics are off."""
    return setting[len("token:"):] if setting.startswith("token:") else None


def multiprocess_dir(settings: Settings) -> Path | None:
    """The folder several processes count in, or None for one process (counts in memory)."""
    if settings.metrics_dir is not None:
        return settings.metrics_dir
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if multiprocessing.parent_process() is None:
        return None  # uvicorn with one worker serves in its own process
    # A uvicorn worker: its siblings share the supervisor's pid, a folder that is new with each `madang serve`;
    # those of supervisors that have ended are removed.
    root = Path(tempfile.gettempdir())
    for old in root.glob("madang-metrics-*"):
        pid = old.name.rsplit("-", 1)[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(old, ignore_errors=True)
    return root / f"madang-metrics-{os.getppid()}"


class Metrics:
    """The process's metrics and the facade's recorder."""

    def __init__(self, token: str, folder: Path | None) -> None:
        self.token = token
        self.folder = folder
        if folder is not None:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Read by prometheus_client when it is first imported (below): values go to files in it.
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        disable_created_metrics()  # the *_created series double a scrape's size and no alert reads them

        if folder is not None and not _multiprocess_values():
            raise RuntimeError("prometheus_client was imported before MADANG_METRICS_DIR could be set")
        # One process: this registry is what a scrape renders. Several: each scrape reads the files.
        self.registry = None if folder is not None else CollectorRegistry(auto_describe=False)
        reg = {"registry": self.registry}
        self.requests = Counter("madang_http_requests", "HTTP requests answered, by route template, method and "
                                "status class", ["route", "method", "status"], **reg)
        self.latency = Histogram("madang_http_request_duration_seconds", "Seconds from a request's arrival to its "
                                 "response's start, by route template and method", ["route", "method"],
                                 buckets=REQUEST_BUCKETS, **reg)
        self.job_failures = Counter("madang_job_failures", "Job runs that raised, by job name; final=true when the "
                                    "job will not be retried", ["kind", "final"], **reg)
        self.deliveries = Counter("madang_federation_deliveries", "Activities POSTed to remote inboxes, by remote "
                                  "domain and outcome (delivered, retry, give up)", ["domain", "outcome"], **reg)
        self.units = Histogram("madang_db_unit_seconds", "Seconds a database unit of work lasted (read or write: "
                               "waiting for the write lock, the work, the commit)", ["kind"], buckets=UNIT_BUCKETS, **reg)
        self.lock_waits = Histogram("madang_db_lock_wait_seconds", "SQLite: seconds a write unit waited for the "
                                    "write lock (this process's writers, then other processes')",
                                    buckets=UNIT_BUCKETS, **reg)
        self.streams_open = Gauge("madang_streams_open", "Live streams (SSE and WebSocket) open",
                                  multiprocess_mode="livesum", **reg)
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._units = {"read": self.units.labels("read"), "write": self.units.labels("write")}
        if folder is not None:
            # Marks this process live in the folder (its memory is read from /proc at scrape time).
            Gauge("madang_process_up", "1 per live web process", multiprocess_mode="liveall", **reg).set(1)
            atexit.register(_forget_process, os.getpid(), folder)
        else:
            from prometheus_client import ProcessCollector

            ProcessCollector(registry=self.registry)

    # -- the facade's recorder -----------------------------------------------------------------

    def job_failed(self, kind: str, final: bool) -> None:
        self.job_failures.labels(kind, "true" if final else "false").inc()

    def delivered(self, domain: str, outcome: str) -> None:
        self.deliveries.labels(domain, outcome).inc()

    def unit(self, kind: str, seconds: float) -> None:
        self._units[kind].observe(seconds)

    def lock_wait(self, seconds: float) -> None:
        self.lock_waits.observe(seconds)

    def streams(self, delta: int) -> None:
        self.streams_open.inc(delta)

    # -- requests --------------------------------------------------------------------------------

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status // 100)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.requests.labels(route, method, f"{status // 100}xx"),
                                              self.latency.labels(route, method))
        children[0].inc()
        children[1].observe(seconds)

    # -- scraping --------------------------------------------------------------------------------

    async def scrape(self, db: Database) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest

        snapshot = await _database_snapshot(db)
        if self.folder is None:
            assert self.registry is not None
            stored = generate_latest(self.registry)
        else:
            from prometheus_client.multiprocess import MultiProcessCollector

            pids = _live_pids(self.folder)
            registry = CollectorRegistry(auto_describe=False)
            MultiProcessCollector(registry, path=str(self.folder))
            stored = generate_latest(registry)
            snapshot.append(_memory_family(pids))
        extra = CollectorRegistry(auto_describe=False)
        extra.register(_Families(snapshot))
        return stored + generate_latest(extra)


def enable(settings: Settings) -> Metrics | None:
    """Metrics for this process when MADANG_METRICS asks for them (installed as the facade's recorder)."""
    token = token_of(settings.metrics)
    if token is None:
        return None
    made = Metrics(token, multiprocess_dir(settings))
    facade.install(made)
    return made


class RequestMetrics:
    """Pure ASGI middleware: each HTTP request counted and timed by its route's template. It is only
    added when metrics are on, so with them off requests do not pass through it at all."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, router: Any) -> None:
        self.app = app
        self.metrics = metrics
        self.router = router

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        answered = 0.0

        async def sending(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                answered = time.perf_counter()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.request(self.template(scope, status), method, status, (answered or time.perf_counter()) - started)

    def template(self, scope: Scope, status: int) -> str:
        route = scope.get("route")
        if route is None:
            if status == 404:
                return UNMATCHED
            # Answered by a middleware that routed a copy of the scope (activitypub's negotiation):
            # the template of the route the path matches.
            return _match(self.router, scope) or UNMATCHED
        return getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED


def _match(router: Any, scope: Scope) -> str | None:
    """The template of the route ``scope``'s path matches (madang.routing's one IndexedRoutes names
    the route it found in the child scope)."""
    from starlette.routing import Match

    for route in router.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            found = child.get("route", route)
            return getattr(found, "path_format", None) or getattr(found, "path", None)
    return None


def _multiprocess_values() -> bool:
    from prometheus_client import values

    return values.ValueClass is not values.MutexValue


def _forget_process(pid: int, folder: Path) -> None:
    from prometheus_client.multiprocess import mark_process_dead

    # Its files may be gone already (another process forgot it first): nothing left to do then.
    with contextlib.suppress(OSError):
        mark_process_dead(pid, str(folder))


def _live_pids(folder: Path) -> list[int]:
    """Processes marked live in the folder; those that died without saying so are forgotten."""
    pids = []
    for path in folder.glob("gauge_liveall_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if Path(f"/proc/{pid}").exists():
            pids.append(pid)
        else:
            _forget_process(pid, folder)
    return sorted(pids)


def _memory_family(pids: list[int]) -> Any:
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily("madang_process_resident_memory_bytes", "Resident memory of each web process",
                               labels=["pid"])
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in pids:
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        family.add_metric([str(pid)], resident)
    return family


async def _database_snapshot(db: Database) -> list[Any]:
    """The job queue by name (depth, oldest due job's age, running) and, on PostgreSQL, lock waits."""
    from prometheus_client.core import GaugeMetricFamily

    queued = GaugeMetricFamily("madang_jobs_queued", "Jobs due and waiting for a worker, by job name", labels=["kind"])
    oldest = GaugeMetricFamily("madang_jobs_oldest_due_age_seconds", "Seconds the oldest due job of each name has "
                               "waited", labels=["kind"])
    running = GaugeMetricFamily("madang_jobs_running", "Jobs a worker holds, by job name", labels=["kind"])
    ok = GaugeMetricFamily("madang_database_scrape_ok", "1 when the queries of this scrape answered")
    families = [queued, oldest, running, ok]
    now = utcnow()
    try:
        async with db.read() as session:
            rows = (await session.execute(QUEUE_QUERY, {"now": now})).all()
            waiting = None if db.is_sqlite else (await session.execute(PG_LOCK_WAITS)).scalar()
    except Exception:
        log.warning("metrics: the job queue could not be read", exc_info=True)
        ok.add_metric([], 0)
        return families
    ok.add_metric([], 1)
    for row in rows:
        if row.state == "running":
            running.add_metric([row.name], row.n)
            continue
        queued.add_metric([row.name], row.n)
        first = as_datetime(row.oldest)
        oldest.add_metric([row.name], max(0.0, (now - first).total_seconds()) if first is not None else 0.0)
    if waiting is not None:
        lock = GaugeMetricFamily("madang_db_sessions_waiting_for_lock", "PostgreSQL: sessions of this database "
                                 "waiting for a lock at scrape time")
        lock.add_metric([], waiting)
        families.append(lock)
    return families


class _Families:
    """A collector that hands out families computed before the (synchronous) collection."""

    def __init__(self, families: list[Any]) -> None:
        self.families = families

    def collect(self) -> Any:
        return iter(self.families)
