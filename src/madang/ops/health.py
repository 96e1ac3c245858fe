"""What /ready checks (docs/ops/monitoring.md): the database answers, Redis answers when configured,
the schema is at the code's migration head, and the job queue moves (the oldest due job has not
waited past a threshold, and no job is "running" past its lease, which means no worker is polling).

Each check is one short query on an index (``ix_jobs_state_run_at``) or one PING, bounded by a
timeout; the code's migration head is read from the migration files' text once (importing Alembic's
script machinery costs 0.4 s and several MB), and a schema once found current is not asked again.
"""

from __future__ import annotations

import ast
import asyncio
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text

from madang.core.clock import utcnow
from madang import db as db_package
from madang.db import Database
from madang.jobs import Worker
from madang.models.jobs import Job

# Seconds one check may take before it counts as failed (a load balancer asks every few seconds).
CHECK_TIMEOUT = 2.0
# The worker's lease: a job still "running" after it was claimed this long ago has a dead worker,
# and a live worker would have claimed it again.
LEASE_SECONDS: float = Worker.__init__.__kwdefaults__["lease_seconds"]  # type: ignore[index]

# madang.db.migrate's folder, named without importing it (it imports Alembic: ~0.4 s and several MB).
MIGRATIONS = Path(db_package.__file__).parent / "migrations"
_REVISION = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)

# One round trip; both parts are index range scans of ix_jobs_state_run_at (state, run_at).
JOBS_QUERY = text(
    "SELECT (SELECT min(run_at) FROM jobs WHERE state = 'pending' AND run_at <= :now) AS oldest_due, "
    "(SELECT count(*) FROM jobs WHERE state = 'running' AND run_at <= :now AND locked_at < :stale) AS stuck"
).bindparams(bindparam("now", type_=Job.run_at.type), bindparam("stale", type_=Job.run_at.type))  # stored as the ORM stores


@cache
def code_heads() -> frozenset[str]:
    """The migration heads the code carries: revisions no other migration names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(ast.literal_eval(found["revision"].strip()))
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        parents.update([down] if isinstance(down, str) else (down or ()))
    return frozenset(revisions - parents)


def as_datetime(value: Any) -> Any:
    """SQLite hands a text column back from a text() query; PostgreSQL a datetime."""
    if isinstance(value, str):
        from datetime import datetime, timezone

        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


@dataclass
class Readiness:
    """One per app: remembers that the schema was current, so later probes skip that query."""

    db: Database
    redis_url: str | None
    max_job_delay: float
    migrated: bool = False

    async def check(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {}
        checks["database"] = await _timed(self._database())
        if checks["database"]["ok"]:
            checks["migrations"] = await _timed(self._migrations())
            checks["jobs"] = await _timed(self._jobs())
        else:
            checks["migrations"] = checks["jobs"] = {"ok": False, "error": "not checked: the database is not reachable"}
        if self.redis_url:
            checks["redis"] = await _timed(self._redis())
        ok = all(c["ok"] for c in checks.values())
        return ok, {"status": "ok" if ok else "fail", "checks": checks}

    async def _database(self) -> dict[str, Any]:
        async with self.db.read() as session:
            await session.execute(text("SELECT 1"))
        return {"ok": True}

    async def _migrations(self) -> dict[str, Any]:
        heads = code_heads()
        if self.migrated:
            return {"ok": True, "revision": ",".join(sorted(heads))}
        async with self.db.read() as session:
            stored = set((await session.execute(text("SELECT version_num FROM alembic_version"))).scalars())
        if stored == heads:
            self.migrated = True  # a schema does not go back: asked once
            return {"ok": True, "revision": ",".join(sorted(heads))}
        return {"ok": False, "error": "the database schema is not at the code's migration head: run `madang migrate`",
                "database": ",".join(sorted(stored)) or None, "code": ",".join(sorted(heads))}

    async def _jobs(self) -> dict[str, Any]:
        now = utcnow()
        async with self.db.read() as session:
            row = (await session.execute(JOBS_QUERY, {"now": now, "stale": now - timedelta(seconds=LEASE_SECONDS)})).one()
        oldest = as_datetime(row.oldest_due)
        waited = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        result: dict[str, Any] = {"ok": True, "oldest_due_seconds": round(waited, 1), "running_past_lease": row.stuck}
        problems = []
        if waited > self.max_job_delay:
            problems.append(f"the oldest due job has waited {waited:.0f} s (more than {self.max_job_delay:g} s): "
                            "is a worker running? (`madang jobs`)")
        if row.stuck:
            problems.append(f"{row.stuck} job(s) still running {LEASE_SECONDS:g} s after they were claimed: "
                            "their worker died or hangs, and no worker claims them again")
        if problems:
            result.update(ok=False, error="; ".join(problems))
        return result

    async def _redis(self) -> dict[str, Any]:
        import redis.asyncio as aioredis

        client = aioredis.from_url(self.redis_url, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT)
        try:
            await client.ping()
        finally:
            await client.aclose()
        return {"ok": True}


async def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(check, CHECK_TIMEOUT)
    except TimeoutError:
        result = {"ok": False, "error": f"no answer in {CHECK_TIMEOUT:g} s"}
    except Exception as exc:  # what is wrong, in one line, for the operator reading the probe
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        result = {"ok": False, "error": f"{type(exc).__name__}: {first}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result
