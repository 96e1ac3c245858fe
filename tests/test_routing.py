"""madang.routing: the app's routes looked up by their leading segments answer exactly as the
plain in-order scan of the same routes does (the first full match wins, else the first partial
one, i.e. 405), for every route's own paths and for paths no route has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Match

from madang.app import create_app
from madang.core.settings import Settings
from madang.routing import IndexedRoutes


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> IndexedRoutes:
    folder: Path = tmp_path_factory.mktemp("routing")
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{folder / 'r.sqlite3'}", secret_key="k" * 40))
    [indexed] = app.router.routes
    assert isinstance(indexed, IndexedRoutes)
    return indexed


def _scan(routes, scope):  # type: ignore[no-untyped-def]
    partial = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return match, child.get("route", route)
        if match is Match.PARTIAL and partial is None:
            partial = (match, child.get("route", route))
    return partial or (Match.NONE, None)


def _paths(template: str) -> list[str]:
    filled = re.sub(r"\{[^}:]+:path\}", "a/b.css", template)
    return [re.sub(r"\{[^}]+\}", value, filled) for value in ("123", "안양", "x.rss")]


def test_every_route_is_found_as_by_the_plain_scan(table: IndexedRoutes) -> None:
    paths = {"/", "/home/", "/nowhere", "/api/v9/x", "/@", "/@someone/123/", "/office", "/desk", "/admin/x/y/z",
             "/static/web/app.css", "/.well-known/webfinger", "/tags/안양.rss", "/s/abc", "/api", ""}
    for route in table.routes:
        template = getattr(route, "path", None)
        if isinstance(template, str):
            paths.update(_paths(template or "/"))
        for prefix in getattr(route, "prefixes", ()):
            paths.update({prefix, prefix + "/", prefix + "/settings", prefix + "/x/123/y"})
    checked = 0
    for path in sorted(paths):
        for method in ("GET", "POST", "DELETE", "PUT", "PATCH"):
            scope = {"type": "http", "path": path or "/", "method": method, "root_path": "", "headers": []}
            expected = _scan(table.routes, dict(scope))
            match, child = table.matches(dict(scope))
            assert (match, child.get("route")) == expected, (method, path)
            checked += 1
    assert checked > 1000 and len(table.routes) > 300
