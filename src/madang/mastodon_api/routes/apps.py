"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.auth.applications import create_application
from madang.mastodon_api.auth import require_token
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import ctx
from madang.models import Application

router = APIRouter()


def application_json(app: Application, *, with_secret: bool) -> dict:
    uris = app.redirect_uris.split("\n")
    data = {
        "id": str(app.id), "name": app.name, "website": app.website, "scopes": app.scopes.split(),
        "redirect_uri": app.redirect_uris, "redirect_uris": uris, "vapid_key": "",
    }
    if with_secret:
        data |= {"client_id": app.client_id, "client_secret": app.client_secret, "client_secret_expires_at": 0}
    return data


@router.post("/api/v1/apps")
async def create_app(request: Request) -> Response:
    params = await read_params(request)
    raw = params.raw("redirect_uris")
    if isinstance(raw, str):
        uris = raw.split()  # newline- (or space-) separated, as Mastodon accepts
    else:
        uris = [str(u) for u in params.list("redirect_uris")]
    async with ctx(request).db.write() as session:
        app = await create_application(session, name=params.str("client_name") or "", redirect_uris=uris,
                                       scopes=params.str("scopes"), website=params.str("website"))
    return JSON(application_json(app, with_secret=True))


@router.get("/api/v1/apps/verify_credentials")
async def verify_app(request: Request) -> Response:
    caller = await require_token(request)
    async with ctx(request).db.read() as session:
        app = await session.get(Application, caller.token.application_id) if caller.token.application_id else None
    if app is None:
        return JSON({"name": "madang", "website": None, "scopes": caller.token.scopes.split(),
                     "redirect_uris": [], "redirect_uri": "", "vapid_key": ""})
    return JSON(application_json(app, with_secret=False))
