"""/health, /ready and /metrics (docs/ops/monitoring.md, decision 0055).

/health says the process answers (no database access: a liveness probe must not fail because the
database is slow, or every process would be restarted at once). /ready says whether this process
can serve: 200, or 503 with what is wrong. /metrics exists only when MADANG_METRICS is set, and
answers only a scraper that sends its bearer token.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from madang import routing
from madang.core.settings import Settings
from madang.ops.health import Readiness
from madang.runtime import ctx_of

READINESS = "ops.readiness"
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter()


@router.get("/health", include_in_schema=False)
@router.head("/health", include_in_schema=False)
async def health() -> PlainTextResponse:
    return PlainTextResponse("OK", headers=NO_STORE)


@router.get("/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    ctx = ctx_of(request)
    readiness = ctx.extras.get(READINESS)
    if readiness is None:
        readiness = ctx.extras[READINESS] = Readiness(ctx.db, ctx.settings.redis_url, ctx.settings.ready_job_delay_seconds)
    ok, body = await readiness.check()
    return JSONResponse(body, status_code=200 if ok else 503, headers=NO_STORE)


def install(app: FastAPI, settings: Settings) -> None:
    """The probes, and when MADANG_METRICS is set, /metrics and the request middleware (added last:
    outermost, so it sees every answer, 500s included)."""
    routing.include(app, router)
    if not settings.metrics:
        return  # off: nothing more is imported, added or counted
    from madang.ops.metrics import enable

    metrics = enable(settings)
    if metrics is None:
        return
    from madang.ops.metrics import RequestMetrics

    expected = f"Bearer {metrics.token}".encode()

    async def scrape(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("a bearer token is needed (MADANG_METRICS)\n", status_code=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="metrics"', **NO_STORE})
        body = await metrics.scrape(ctx_of(request).db)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8", headers=NO_STORE)

    app.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)
    app.add_middleware(RequestMetrics, metrics=metrics, router=app.router)


__all__: list[Any] = ["install", "router"]
