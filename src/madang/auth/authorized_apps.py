"""The apps an account has let in (live tokens), and taking that back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.auth.web_sessions import WEB_CLIENT_ID
from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.models import AccessToken, Application, AuthorizationCode


@dataclass(frozen=True)
class AuthorizedApp:
    application: Application
    scopes: list[str]
    authorized_at: datetime
    last_used_at: datetime | None


def _live(account_id: int):  # type: ignore[no-untyped-def]
    return (AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None),
            AccessToken.application_id.is_not(None), Application.client_id != WEB_CLIENT_ID)


async def list_authorized_apps(session: AsyncSession, *, account_id: int) -> list[AuthorizedApp]:
    rows = await session.execute(
        select(Application, func.min(AccessToken.created_at), func.max(AccessToken.last_used_at))
        .join(AccessToken, AccessToken.application_id == Application.id)
        .where(*_live(account_id)).group_by(Application.id).order_by(func.min(AccessToken.created_at).desc()))
    apps = []
    for app, first, last in rows:
        scopes = set()
        for s in await session.scalars(select(AccessToken.scopes).where(
                AccessToken.application_id == app.id, *_live(account_id)[:2])):
            scopes.update(s.split())
        apps.append(AuthorizedApp(app, sorted(scopes), first, last))
    return apps


async def revoke_authorized_app(session: AsyncSession, *, account_id: int, application_id: int) -> list[str]:
    """Revoke every live token the account gave this app; their hashes (to forget in caches)."""
    app = await session.get(Application, application_id)
    if app is None or app.client_id == WEB_CLIENT_ID:
        raise NotFound("Record not found")
    where = (AccessToken.account_id == account_id, AccessToken.application_id == application_id,
             AccessToken.revoked_at.is_(None))
    hashes = list(await session.scalars(select(AccessToken.token_hash).where(*where)))
    if not hashes:
        raise NotFound("Record not found")
    await session.execute(update(AccessToken).where(*where).values(revoked_at=utcnow()))
    # Codes not yet exchanged would otherwise mint a fresh token after the revoke.
    await session.execute(update(AuthorizationCode).where(
        AuthorizationCode.account_id == account_id, AuthorizationCode.application_id == application_id,
        AuthorizationCode.used_at.is_(None)).values(used_at=utcnow()))
    return hashes
