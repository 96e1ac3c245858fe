"""The ActivityPub surface: actors, objects and collections by content negotiation, and the inboxes.
Thin, as the other surfaces: parse the request, call one madang.federation use case, answer."""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    from madang.activitypub.negotiation import ContentNegotiation
    from madang import routing
    from madang.activitypub.routes import router

    routing.include(app, router)
    app.add_middleware(ContentNegotiation)
