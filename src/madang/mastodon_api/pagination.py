"""Link headers for exclusive id cursors: ``next`` only on a full page, none on an empty one."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

from starlette.requests import Request

CURSORS = ("max_id", "since_id", "min_id", "offset")


def link_header(request: Request, base_url: str, ids: Sequence[int], limit: int) -> dict[str, str]:
    if not ids:
        return {}
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in CURSORS]

    # Hangul tag paths must go back percent-encoded: headers are Latin-1.
    path = quote(request.url.path, safe="/:@")

    # The other parameters are encoded once for both links (cursors are digits).
    prefix = f"{base_url}{path}?{urlencode(kept) + '&' if kept else ''}"
    links = []
    if len(ids) >= limit:
        links.append(f'<{prefix}max_id={min(ids)}>; rel="next"')
    links.append(f'<{prefix}min_id={max(ids)}>; rel="prev"')
    return {"Link": ", ".join(links)}
