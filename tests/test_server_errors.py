"""What no handler caught is answered 500 and logged once, short, even for a deep recursion."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from madang.server_errors import MAX_CHARS, ServerErrors


def _deep(value: dict, depth: int) -> dict:
    return {k: _deep(v, depth + 1) for k, v in value.items()}  # a comprehension frame between calls


async def recurse(request: Request) -> Response:
    nested: dict = {}
    node = nested
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    _deep(nested, 0)
    return PlainTextResponse("unreachable")


async def answer(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("서버 오류가 발생했습니다. (Internal server error)", status_code=500)


async def test_a_recursion_error_is_a_500_with_one_short_log_entry(caplog: pytest.LogCaptureFixture) -> None:
    app = Starlette(routes=[Route("/deep", recurse)])
    app.add_middleware(ServerErrors, respond=answer)
    caplog.set_level(logging.ERROR)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://madang.test") as client:
        response = await client.get("/deep")
    assert response.status_code == 500 and "Internal server error" in response.text
    entries = [r for r in caplog.records if r.name == "madang.errors"]
    assert len(entries) == 1
    logged = entries[0].getMessage()
    assert "RecursionError" in logged and "GET /deep" in logged
    assert len(logged) < MAX_CHARS + 200  # the full traceback was ~187 KB
