"""What every page's template gets: the viewer, the language, the CSRF token, the site."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from madang.runtime import ctx_of
from madang.web import i18n
from madang.web.csrf import csrf_token


def page_context(request: Request) -> dict[str, Any]:
    settings = ctx_of(request).settings
    return {
        "request": request,
        "viewer": getattr(request.state, "viewer", None),
        "lang": i18n.current_locale(),
        "languages": i18n.LANGUAGE_NAMES,
        "csrf_token": csrf_token(request),
        "site_title": settings.instance_title,
        "site_url": settings.base_url,
        "federation": settings.federation,
        "max_characters": settings.max_characters,
        "time_zone": settings.time_zone,
        "path": request.url.path,
        "notice": request.query_params.get("notice"),
        "announcements": getattr(request.state, "announcements", ()),
    }
