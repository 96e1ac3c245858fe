"""Route dispatch for the whole app: routers' routes kept in one flat list and looked up by their
leading path segments.

FastAPI (0.16x) keeps each included router as a nested wrapper that re-enters its own matching,
with several scope updates per route tried: reaching the web's `/home`, past the ~250 API routes
it comes after, cost ~2 ms a request (docs/benchmarks.md). Here every router's routes go into one
list as they are (``include``), and ``index`` puts a single route in front of them that tries only
those whose literal leading segments can match the request's: the first matching route in the
original order still wins, so routing answers exactly as before (tests/test_routing.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, get_route_path
from starlette.types import Receive, Scope, Send

DEPTH = 3  # leading segments a route is filed under (`/api/v1/timelines`)


def include(app: FastAPI, router: APIRouter) -> None:
    """``app.include_router(router)`` for a router included as it is (no prefix, dependencies or
    tags): its routes join the app's list directly."""
    app.router.routes.extend(router.routes)


def _key(route: BaseRoute) -> tuple[str, ...] | list[tuple[str, ...]]:
    """The literal leading segments every path the route matches starts with (a segment with a
    parameter ends them); () for a route that may match anything."""
    prefixes = getattr(route, "prefixes", None)  # web.lazy_routes: a group under its prefixes
    if prefixes is not None:
        return [k for p in prefixes for k in [_literal(p)]]
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return ()
    return _literal(path, mount=isinstance(route, Mount))


def _literal(path: str, *, mount: bool = False) -> tuple[str, ...]:
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, segment in enumerate(segments[:DEPTH]):
        if "{" in segment or (segment == "" and i == len(segments) - 1 and (mount or i > 0)):
            break
        out.append(segment)
    return tuple(out)


class IndexedRoutes(BaseRoute):
    """All the app's routes behind one: a request is matched against the routes filed under a
    prefix of its leading segments (and those filed under none), in their original order."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self.routes = list(routes)
        self._filed: dict[tuple[str, ...], list[int]] = {}
        for index, route in enumerate(self.routes):
            keys = _key(route)
            for key in keys if isinstance(keys, list) else [keys]:
                self._filed.setdefault(key, []).append(index)
        # Every prefix of a filed key is known: a request's candidates are those of the longest
        # known prefix of its segments (a route filed under K matches only below K).
        self._known = {key[:n] for key in self._filed for n in range(len(key) + 1)}
        self._candidates: dict[tuple[str, ...], list[BaseRoute]] = {}

    def candidates(self, path: str) -> list[BaseRoute]:
        segments = tuple(path.split("/")[1:DEPTH + 1])
        while segments not in self._known:
            segments = segments[:-1]
        found = self._candidates.get(segments)
        if found is None:
            indexes = sorted({i for n in range(len(segments) + 1) for i in self._filed.get(segments[:n], ())})
            found = self._candidates[segments] = [self.routes[i] for i in indexes]
        return found

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in ("http", "websocket"):
            return Match.NONE, {}
        partial: tuple[Match, Scope] | None = None
        for route in self.candidates(get_route_path(scope)):
            match, child = route.matches(scope)
            if match is Match.FULL:
                return match, {"route": route, **child}
            if match is Match.PARTIAL and partial is None:
                partial = (match, {"route": route, **child})
        return partial or (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["route"].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)


def index(app: FastAPI) -> None:
    """Put the app's routes (all added by now) behind one IndexedRoutes. Call last."""
    app.router.routes[:] = [IndexedRoutes(app.router.routes)]
