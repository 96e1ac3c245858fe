"""Route groups loaded at their first request: the staff's pages (/office, /desk, /admin) and
the code behind them (analytics, records, the blog, the monitor) are most of a process's page
code, and most processes serve citizens only. Loading them when a request first needs them keeps
idle memory in its budget (issue 14: <= 120 MB; docs/benchmarks.md) and changes nothing else:
once loaded, a group's routes are matched and handled exactly as if they had been included at
startup, in the same place of the routing table."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send


class LazyRoutes(BaseRoute):
    """Stands in the routing table for the routers of ``modules`` (each with a ``router``), whose
    paths all start with one of ``prefixes``: a request outside them is not theirs without any
    import; the first one inside imports the modules and includes their routers."""

    def __init__(self, app: FastAPI, prefixes: Sequence[str], modules: Sequence[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)
        self.modules = tuple(modules)
        self._routes: list[BaseRoute] | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    def routes(self) -> list[BaseRoute]:
        if self._routes is None:
            with self._lock:
                if self._routes is None:
                    routes: list[BaseRoute] = []
                    for name in self.modules:
                        routes.extend(importlib.import_module(name).router.routes)  # as madang.routing.include
                    self._routes = routes
        return self._routes

    def _ours(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return scope["type"] in ("http", "websocket") and any(
            path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not self._ours(scope):
            return Match.NONE, {}
        partial: tuple[Match, Scope] | None = None
        for route in self.routes():
            match, child = route.matches(scope)
            if match is Match.FULL:
                return match, {**child, "route": route}
            if match is Match.PARTIAL and partial is None:
                partial = (match, {**child, "route": route})
        return partial or (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The router put the matched inner route in the scope (matches above).
        await scope["route"].handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes():
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)

    def __repr__(self) -> str:
        return f"LazyRoutes({', '.join(self.prefixes)}: {len(self.modules)} modules, loaded={self.loaded})"
