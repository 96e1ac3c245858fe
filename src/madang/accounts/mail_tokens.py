"""Single-use secrets sent by e-mail as links; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.models import User
from madang.models.mail_tokens import MailToken

PASSWORD_RESET = "password_reset"
CONFIRMATION = "confirmation"
LINK_INVALID = "This link is invalid or has expired"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_mail_token(session: AsyncSession, *, user: User, purpose: str, lifetime: timedelta) -> str:
    """A new secret for ``user``; earlier unspent ones of the same purpose stop working, so
    only the newest e-mail's link opens."""
    now = utcnow()
    await session.execute(update(MailToken).where(
        MailToken.user_id == user.id, MailToken.purpose == purpose, MailToken.used_at.is_(None)).values(used_at=now))
    secret = secrets.token_urlsafe(32)
    session.add(MailToken(user_id=user.id, purpose=purpose, token_hash=_digest(secret), created_at=now,
                          expires_at=now + lifetime))
    await session.flush()
    return secret


async def find_mail_token(session: AsyncSession, secret: str, *, purpose: str) -> MailToken | None:
    """The live token for ``secret``, or None (unknown, spent, expired or another purpose)."""
    if not secret or len(secret) > 100:
        return None
    row = await session.scalar(select(MailToken).where(MailToken.token_hash == _digest(secret)))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


async def spend_mail_token(session: AsyncSession, secret: str, *, purpose: str) -> User:
    """The user the link was sent to; the token is used up. NotFound for any bad link."""
    row = await find_mail_token(session, secret, purpose=purpose)
    user = await session.get(User, row.user_id) if row is not None else None
    if row is None or user is None:
        raise NotFound(LINK_INVALID)
    # Conditional, so two requests racing with one link cannot both spend it.
    spent = await session.execute(update(MailToken).where(MailToken.id == row.id, MailToken.used_at.is_(None))
                                  .values(used_at=utcnow()))
    if not spent.rowcount:
        raise NotFound(LINK_INVALID)
    return user
