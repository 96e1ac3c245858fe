"""JSON responses as Mastodon sends them: always application/json, orjson-encoded."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JSON(Response):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        # Bytes are JSON encoded already (statuses_json_bytes).
        return content if isinstance(content, bytes) else orjson.dumps(content)


def error(status: int, message: str, description: str | None = None, headers: dict[str, str] | None = None,
          details: dict[str, list[dict[str, str]]] | None = None) -> JSON:
    body: dict[str, Any] = {"error": message}
    if description:
        body["error_description"] = description
    if status == 422:
        # Mastodon's ValidationError: per-field ``details`` (``{}`` when the error has no field).
        body["details"] = details or {}
    return JSON(body, status_code=status, headers=headers)
