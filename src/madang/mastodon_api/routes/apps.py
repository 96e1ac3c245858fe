"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.auth.applications import create_application
from madang.core.errors import Invalid
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


def _web_url(value: str) -> str | None:
    """An http(s) URL in ASCII form (a Hangul host as punycode, a Hangul path percent-encoded),
    or None when it is not one."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # a port out of range raises ValueError
        if parts.scheme not in ("http", "https") or not host:
            return None
        netloc = parts.netloc
        if not netloc.isascii():
            port = f":{parts.port}" if parts.port else ""
            userinfo = netloc.rpartition("@")[0]
            netloc = (f"{userinfo}@" if userinfo else "") + host.encode("idna").decode() + port
    except (ValueError, UnicodeError):
        return None
    safe = "/:@!$&'()*+,;=%?#[]~-._"
    rest = quote(parts.path, safe=safe) + (f"?{quote(parts.query, safe=safe)}" if parts.query else "")
    rest += f"#{quote(parts.fragment, safe=safe)}" if parts.fragment else ""
    return f"{parts.scheme}://{netloc}{rest}"


@router.post("/api/v1/apps")
async def create_app(request: Request) -> Response:
    params = await read_params(request)
    raw = params.raw("redirect_uris")
    if isinstance(raw, str):
        uris = raw.split()  # newline- (or space-) separated, as Mastodon accepts
    else:
        uris = [str(u) for u in params.list("redirect_uris")]
    website = (params.str("website") or "").strip() or None
    if website is not None:
        # As Mastodon's UrlValidator: clients show the website as a link.
        website = _web_url(website)
        if website is None:
            raise Invalid("Website is not a valid URL", field="website")
    async with ctx(request).db.write() as session:
        app = await create_application(session, name=params.str("client_name") or "", redirect_uris=uris,
                                       scopes=params.str("scopes"), website=website)
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
