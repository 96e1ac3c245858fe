"""The composition root: builds the ASGI app from settings, wiring surfaces, jobs and the worker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from madang.auth.throttle import LoginThrottle
from madang.core.errors import DomainError
from madang.core.settings import Settings
from madang import events
from madang import push
from madang import mail
from madang.db import Database
from madang.jobs import Worker
from madang.mastodon_api import app as mastodon_api
from madang.mastodon_api.problems import ApiProblem
from madang import open311
from madang import activitypub
from madang.federation import config as federation_config
from madang.federation import delivery as federation_delivery
from madang.ops.logging_request_ids import RequestIds
from madang import routing
from madang.runtime import AppContext
from madang.server_errors import RETRY_AFTER, ServerErrors, unavailable, unavailable_message
from madang.web import install as web
from madang.web import oauth as web_oauth
from madang.web import static_files

# Modules whose import registers job handlers (domain packages register by name).
JOB_MODULES = ("madang.timelines.fan_out", "madang.notifications.handlers", "madang.media.cleanup", "madang.push.delivery", "madang.trends.refresh", "madang.conversations.updating")
JOB_MODULES += ("madang.notifications.polls", "madang.scheduling.publishing")
JOB_MODULES += ("madang.mail.sending", "madang.media.file_removal")
JOB_MODULES += ("madang.desk.intake", "madang.desk.interim")
JOB_MODULES += ("madang.blog.polling",)  # the city blog: feeds polled, new entries posted
JOB_MODULES += ("madang.analytics.rollup", "madang.analytics.health_job")  # daily counts, account health
JOB_MODULES += ("madang.office.scheduled",)
# Federation (decision 0035): inbox processing, local changes going out, delivery, actor keys.
JOB_MODULES += ("madang.federation.receive", "madang.federation.outgoing", "madang.federation.delivery",
                "madang.federation.keys", "madang.federation.media_cache", "madang.federation.backfill",
                "madang.federation.pins", "madang.federation.followers_sync",
                "madang.federation.emoji")  # the follow-up of an office draft's scheduled publication
JOB_MODULES += ("madang.federation.account_imports",)  # issue 15: imports of Mastodon's CSV lists
JOB_MODULES += ("madang.accounts.link_verification",)  # issue 15: rel=me checks of profile-field links
JOB_MODULES += ("madang.desk.suggestions.indexing", "madang.desk.suggestions.auto_replies")  # issue 17


def register_jobs() -> None:
    for name in JOB_MODULES:
        importlib.import_module(name)


async def _start_periodic_jobs(db: Database, settings: Settings) -> None:
    """Jobs that re-enqueue themselves (trends) need a first run; starting twice is a no-op."""
    from madang.desk.interim import schedule_interim_notices
    from madang.statuses.create import Site
    from madang.trends import schedule_trends_refresh

    async with db.write() as session:
        await schedule_trends_refresh(session, time_zone=settings.time_zone)
        await schedule_interim_notices(session, site=Site.of(settings))
        from madang.blog.polling import BlogConfig, schedule_blog_polls

        await schedule_blog_polls(session, config=BlogConfig.of(settings))
        from madang.analytics.schedule import schedule_analytics_jobs

        await schedule_analytics_jobs(session, settings=settings)
        if settings.federation:
            # Accounts made before federation (or while keys were off) get their key pairs.
            from madang.jobs import enqueue

            await enqueue(session, "federation.make_keys", {}, delay=30)
            from madang.federation.delivery import schedule_outgoing_pruning

            await schedule_outgoing_pruning(session)  # delivered activities leave after their last retry


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    register_jobs()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database.of(settings)
        db.checkpoint_in_background()  # SQLite: WAL checkpoints off the writer's COMMITs
        bus = await events.open_bus(settings.redis_url)
        events.attach(db, bus)  # use cases publish after commit through their session
        push.attach(db, settings)  # push jobs read the VAPID subject, base URL and token key from here
        mail.attach(db, settings)  # mail jobs read the SMTP server and sender from here
        federation_config.attach(db, settings)  # federation's jobs and inbox read the base URL, policies
        federation_delivery.attach(db, settings)  # delivery jobs: base URL, outbound policy
        app.state.ctx = AppContext(settings=settings, db=db,
                                   login_throttle=LoginThrottle(settings.login_attempts_per_5min, sign_ups=settings.sign_ups_per_5min), events=bus)
        worker_task = None
        if settings.embedded_worker:
            await _start_periodic_jobs(db, settings)
            worker = Worker(db, poll_seconds=settings.worker_poll_seconds)
            worker_task = asyncio.create_task(worker.run_forever())
        # Everything loaded so far (modules, templates, routes) lives as long as the process:
        # moved out of the collector's reach, a full collection no longer walks it, which was a
        # ~100 ms pause every few dozen page views (bench/analytics_bench.py).
        if settings.gc_freeze:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if worker_task is not None:
                worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
            await bus.close()
            await db.dispose()

    app = FastAPI(title="madang", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    mastodon_api.install(app, rate_limit=settings.rate_limit_per_5min)
    routing.include(app, web_oauth.router)
    routing.include(app, static_files.router)
    web.install(app)
    open311.install(app)
    # Last in the routing table (its inbox POSTs are dispatched before it, activitypub.negotiation):
    # the requests people make are not matched against federation's routes first.
    activitypub.install(app)

    async def on_domain_error(request: Request, exc: DomainError) -> Response:
        if mastodon_api.is_api_path(request.url.path):
            return await mastodon_api.on_domain_error(request, exc)
        return web.on_domain_error(request, exc)

    app.add_exception_handler(DomainError, on_domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(ApiProblem, mastodon_api.on_problem)  # type: ignore[arg-type]
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        if mastodon_api.is_api_path(request.url.path) or request.url.path.startswith(("/oauth/", "/.well-known/")):
            return await mastodon_api.on_http_error(request, exc)
        return web.on_http_error(request, exc)

    app.add_exception_handler(HTTPException, on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, mastodon_api.on_validation_error)  # type: ignore[arg-type]

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        from madang.mastodon_api.responses import error

        # A full disk or a database that is away: 503, for the client to retry (decision 0058).
        if (reason := unavailable(exc)) is not None:
            headers = {"Retry-After": RETRY_AFTER[reason]}
            if mastodon_api.is_api_path(request.url.path):
                return error(503, unavailable_message(reason), headers=headers)
            if request.url.path.startswith("/open311/"):  # GeoReport v2's own error list, JSON or XML
                from madang.open311.formats import error as open311_error

                answer = open311_error("json" if request.url.path.endswith(".json") else "xml", 503,
                                       unavailable_message(reason))
                answer.headers.update(headers)
                return answer
            korean = "저장 공간이 가득 찼습니다" if reason == "disk full" else "데이터베이스에 잠시 연결할 수 없습니다"
            return PlainTextResponse(f"{korean}. 잠시 뒤에 다시 시도해 주세요. ({unavailable_message(reason)})",
                                     status_code=503, headers=headers)
        if mastodon_api.is_api_path(request.url.path):
            return error(500, "Internal server error")
        return PlainTextResponse("서버 오류가 발생했습니다. (Internal server error)", status_code=500)

    app.add_exception_handler(Exception, on_unexpected)
    # Outermost of the app's own middleware: answers and logs (short) what nothing else caught.
    app.add_middleware(ServerErrors, respond=on_unexpected)
    app.add_middleware(RequestIds)  # outermost: X-Request-Id, in every log line (docs/ops/logging.md)

    from madang.ops import routes as ops_routes

    ops_routes.install(app, settings)  # /health, /ready, /metrics and its middleware (decision 0055)
    routing.index(app)  # last: every route is in place
    return app
