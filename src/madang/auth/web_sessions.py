"""Browser sessions: access tokens of the built-in web application, kept in a cookie.

A web session is an ordinary access token (so revoking it, listing it and the token cache
work as for any app), issued to one application row that every instance has."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.auth.applications import OOB
from madang.auth.tokens import IssuedToken, digest, issue_token
from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.models import AccessToken, Account, Application

WEB_CLIENT_ID = "madang-web"
WEB_APP_NAME = "마당 웹"
WEB_SCOPES = ["read", "write", "follow", "push"]


async def web_application(session: AsyncSession) -> Application:
    """The built-in web application, created on first use (concurrent first uses agree)."""
    app = await session.scalar(select(Application).where(Application.client_id == WEB_CLIENT_ID))
    if app is not None:
        return app
    await session.execute(insert_ignore(session, Application.__table__).values(
        id=new_id(), name=WEB_APP_NAME, website=None, redirect_uris=OOB, scopes=" ".join(WEB_SCOPES),
        client_id=WEB_CLIENT_ID, client_secret=secrets.token_urlsafe(32), created_at=utcnow()))
    return await session.scalar(select(Application).where(Application.client_id == WEB_CLIENT_ID))


async def start_web_session(session: AsyncSession, *, account: Account, user_agent: str | None) -> IssuedToken:
    app = await web_application(session)
    issued = await issue_token(session, application=app, account=account, scopes=WEB_SCOPES)
    issued.row.user_agent = (user_agent or "")[:300] or None
    issued.row.last_used_at = issued.row.created_at
    await session.flush()
    return issued


async def find_web_session(session: AsyncSession, secret: str) -> AccessToken | None:
    """The live web session with this secret, or None. Only tokens the web app issued at
    sign-in count: a token some API client obtained (a reader app with ``read`` or
    ``profile``) must never become a browser session, which carries every power of the
    account, staff and admin pages included."""
    return await session.scalar(
        select(AccessToken).join(Application, Application.id == AccessToken.application_id)
        .where(AccessToken.token_hash == digest(secret), AccessToken.revoked_at.is_(None),
               Application.client_id == WEB_CLIENT_ID))


def _is_web_token():  # type: ignore[no-untyped-def]
    return AccessToken.application_id.in_(select(Application.id).where(Application.client_id == WEB_CLIENT_ID))


async def end_web_session(session: AsyncSession, secret: str) -> None:
    """Idempotent: an unknown or already revoked session is not an error."""
    await session.execute(update(AccessToken).where(
        AccessToken.token_hash == digest(secret), AccessToken.revoked_at.is_(None), _is_web_token())
        .values(revoked_at=utcnow()))


async def list_web_sessions(session: AsyncSession, *, account_id: int) -> list[AccessToken]:
    app = await web_application(session)
    rows = await session.scalars(select(AccessToken).where(
        AccessToken.account_id == account_id, AccessToken.application_id == app.id,
        AccessToken.revoked_at.is_(None)).order_by(AccessToken.id.desc()))
    return list(rows)


async def end_web_session_by_id(session: AsyncSession, *, account_id: int, token_id: int) -> bool:
    """Sign out one of the account's own sessions (from the settings page); False if none."""
    result = await session.execute(update(AccessToken).where(
        AccessToken.id == token_id, AccessToken.account_id == account_id,
        AccessToken.revoked_at.is_(None), _is_web_token()).values(revoked_at=utcnow()))
    return bool(result.rowcount)


def token_hash_of(secret: str) -> str:
    return digest(secret)


def seen_recently(token: AccessToken, now: datetime | None = None, *, minutes: int = 60) -> bool:
    last = token.last_used_at or token.created_at
    return ((now or utcnow()) - last).total_seconds() < minutes * 60
