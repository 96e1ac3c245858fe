"""Open311 GeoReport v2: service requests from civic apps become desk cases."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mounts /open311/v2/ (discovery, services, requests, tokens, servicerequestupdates)."""
    from madang import routing
    from madang.open311.routes import router

    routing.include(app, router)
