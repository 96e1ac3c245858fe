"""What is counted where it happens, in this process: federation deliveries by remote domain and
outcome (real signed POSTs to inboxes on loopback), database units; the scrape's queue query and
/ready's on the jobs index on both databases; and metrics costing nothing (not even an import) when off."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from madang.core import metrics as facade
from madang.db import Database
from madang.federation.delivery import enqueue_delivery
from madang.federation.keys import get_or_create_actor_key
from madang.ops.health import JOBS_QUERY
from madang.ops.metrics import QUEUE_QUERY, Metrics
from tests.accounts.factories import make_account
from tests.factories import run_jobs
from tests.federation.test_delivery import ACTIVITY, LOCAL, Inboxes, attached, inboxes  # noqa: F401  (fixtures)


@pytest.fixture
def recording() -> Iterator[Metrics]:
    metrics = Metrics("in-process-token-0123456789", None)
    facade.install(metrics)
    try:
        yield metrics
    finally:
        facade.install(None)


async def test_deliveries_are_counted_by_remote_domain(recording: Metrics, attached: Database,  # noqa: F811
                                                       inboxes: Inboxes) -> None:  # noqa: F811
    db = attached
    async with db.write() as s:
        account = await make_account(s)
        await get_or_create_actor_key(s, account.id)
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL,
                               inboxes=[inboxes.url("127.0.0.1", "/ok/inbox"), inboxes.url("127.0.0.2", "/down/inbox"),
                                        inboxes.url("127.0.0.3", "/gone/inbox")])
    await run_jobs(db)
    scraped = (await recording.scrape(db)).decode()
    for domain, outcome in (("127.0.0.1", "delivered"), ("127.0.0.2", "retry"), ("127.0.0.3", "give up")):
        assert f'madang_federation_deliveries_total{{domain="{domain}",outcome="{outcome}"}} 1.0' in scraped
    # The retry waits (Mastodon's schedule): due later, so not in the queue's depth yet.
    assert 'madang_jobs_queued{kind="federation.deliver"}' not in scraped


async def test_database_units_are_timed_when_metrics_are_on(recording: Metrics, database_url: str) -> None:
    db = Database(database_url)  # made after the recorder: its units are timed
    try:
        async with db.read() as s:
            await s.execute(text("SELECT 1"))
        async with db.write() as s:
            await s.execute(text("SELECT 1"))
        scraped = (await recording.scrape(db)).decode()
    finally:
        await db.dispose()
    assert re.search(r'^madang_db_unit_seconds_count\{kind="read"\} [1-9]', scraped, re.M)
    assert re.search(r'^madang_db_unit_seconds_count\{kind="write"\} 1.0', scraped, re.M)
    if db.is_sqlite:
        assert "madang_db_lock_wait_seconds_count 1.0" in scraped
    else:
        assert re.search(r"^madang_db_sessions_waiting_for_lock 0.0", scraped, re.M)


async def test_probe_and_scrape_queries_use_the_jobs_index(db: Database) -> None:
    from madang.core.clock import utcnow

    params = {"now": utcnow(), "stale": utcnow()}
    async with db.read() as s:
        plans = []
        for query in (JOBS_QUERY, QUEUE_QUERY):
            if db.is_sqlite:
                rows = (await s.execute(text(f"EXPLAIN QUERY PLAN {query.text}"), params)).all()
                plans.append("\n".join(str(row[-1]) for row in rows))
            else:
                # A small test table is read whole by preference: forbid that, and the plan must still
                # reach the rows through the index (it can, so a big table will).
                await s.execute(text("SET LOCAL enable_seqscan = off"))
                rows = (await s.execute(text(f"EXPLAIN {query.text}"), params)).all()
                plans.append("\n".join(row[0] for row in rows))
    for plan in plans:
        assert "ix_jobs_state_run_at" in plan, plan
        assert not re.search(r"\bSCAN jobs\b|Seq Scan on jobs", plan), plan


def test_metrics_cost_nothing_when_off() -> None:
    """Without MADANG_METRICS: no /metrics route, no middleware, no recorder, and prometheus_client never imported."""
    probe = (
        "import sys\n"
        "from madang.app import create_app\n"
        "from madang.core import metrics\n"
        "from madang.core.settings import Settings\n"
        "from madang.ops.metrics import RequestMetrics, _match\n"
        "app = create_app(Settings(secret_key='off-test-key-0123456789abcdef'))\n"
        "route = lambda path: _match(app.router, {'type': 'http', 'method': 'GET', 'path': path})\n"
        "assert route('/metrics') is None and route('/health') == '/health' and route('/ready') == '/ready'\n"
        "assert not any(m.cls is RequestMetrics for m in app.user_middleware)\n"
        "assert metrics.recorder is None\n"
        "assert 'prometheus_client' not in sys.modules, 'imported while off'\n"
        "assert 'alembic' not in sys.modules, 'the probes need no Alembic'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "MADANG_DATABASE_URL": "sqlite+aiosqlite:////nonexistent/x.db"})
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
