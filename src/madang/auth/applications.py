"""Registering OAuth client applications and checking their credentials."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.auth.scopes import parse_scopes
from madang.core.clock import utcnow
from madang.core.errors import Invalid, Unauthorized
from madang.models import Application

OOB = "urn:ietf:wg:oauth:2.0:oob"


def _check_redirect_uri(uri: str) -> None:
    if uri == OOB:
        return
    parts = urlsplit(uri)
    # Apps use custom schemes (oauth2redirect://…, com.tapbots.Ivory.x:/…, icecubesapp://).
    if not parts.scheme or parts.fragment or any(c.isspace() for c in uri):
        raise Invalid("redirect_uri must be an absolute URI without a fragment", field="redirect_uris")


async def create_application(
    session: AsyncSession, *, name: str, redirect_uris: list[str], scopes: str | None, website: str | None
) -> Application:
    name = (name or "").strip()
    if not name:
        raise Invalid("client_name can't be blank", field="client_name")
    if len(name) > 200:
        raise Invalid("client_name is too long (maximum is 200 characters)", field="client_name")
    uris = [u.strip() for u in redirect_uris if u and u.strip()]
    if not uris:
        raise Invalid("redirect_uris can't be blank", field="redirect_uris")
    for uri in uris:
        _check_redirect_uri(uri)
    if website and len(website) > 500:
        raise Invalid("website is too long", field="website")
    app = Application(
        name=name,
        website=website or None,
        redirect_uris="\n".join(uris),
        scopes=" ".join(parse_scopes(scopes)),
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
        created_at=utcnow(),
    )
    session.add(app)
    await session.flush()
    return app


async def find_application(session: AsyncSession, client_id: str | None) -> Application | None:
    if not client_id:
        return None
    return await session.scalar(select(Application).where(Application.client_id == client_id))


async def authenticate_client(session: AsyncSession, client_id: str | None, client_secret: str | None) -> Application:
    app = await find_application(session, client_id)
    if app is None or not client_secret or not secrets.compare_digest(app.client_secret, client_secret):
        raise Unauthorized("Client authentication failed due to unknown client, no client authentication "
                           "included, or unsupported authentication method.")
    return app


def redirect_uri_allowed(app: Application, uri: str | None) -> bool:
    return uri is not None and uri in app.redirect_uris.split("\n")
