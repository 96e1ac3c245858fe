"""The ceiling of the HTTP stack on this machine: a bare ASGI app under uvicorn (httptools,
uvloop) answering every request with one precomputed home-timeline page.

    .venv/bin/python bench/bare_app.py PAGE.json PORT     # then wrk against it

run_bench.py --bare runs it beside madang, so madang's figure is a ratio to this one.
"""

from __future__ import annotations

import sys

import uvicorn

BODY = open(sys.argv[1], "rb").read()
HEADERS = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False,
                http="httptools", loop="uvloop")
