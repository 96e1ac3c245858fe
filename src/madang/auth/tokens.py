"""Authorization codes (with PKCE) and access tokens. Only hashes of secrets are stored."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.auth.scopes import is_subset, parse_scopes
from madang.core.clock import utcnow
from madang.core.errors import Invalid, Unauthorized
from madang.models import AccessToken, Account, Application, AuthorizationCode

CODE_LIFETIME = timedelta(minutes=10)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class IssuedToken:
    token: str  # the secret, shown once
    row: AccessToken


async def issue_token(
    session: AsyncSession, *, application: Application | None, account: Account | None, scopes: list[str]
) -> IssuedToken:
    secret = secrets.token_urlsafe(32)
    row = AccessToken(
        token_hash=digest(secret),
        application_id=application.id if application else None,
        account_id=account.id if account else None,
        scopes=" ".join(scopes),
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return IssuedToken(secret, row)


async def find_token(session: AsyncSession, secret: str) -> AccessToken | None:
    row = await session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(secret)))
    if row is None or row.revoked_at is not None:
        return None
    return row


async def revoke_token(session: AsyncSession, *, application: Application, secret: str) -> None:
    """Idempotent, as RFC 7009 asks: an unknown token is not an error."""
    await session.execute(
        update(AccessToken)
        .where(AccessToken.token_hash == digest(secret), AccessToken.application_id == application.id,
               AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_tokens_of_account(session: AsyncSession, account_id: int) -> None:
    await session.execute(
        update(AccessToken).where(AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def requested_scopes(application: Application, scope: str | None) -> list[str]:
    scopes = parse_scopes(scope, default=application.scopes)
    if not is_subset(scopes, application.scopes.split()):
        raise Invalid("The requested scope is invalid, unknown, or malformed.", field="scope")
    return scopes


async def create_authorization_code(
    session: AsyncSession,
    *,
    application: Application,
    account: Account,
    redirect_uri: str,
    scopes: list[str],
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> str:
    if code_challenge and (code_challenge_method or "plain") != "S256":
        raise Invalid("Only the S256 code challenge method is supported", field="code_challenge_method")
    code = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(AuthorizationCode(
        code_hash=digest(code), application_id=application.id, account_id=account.id,
        redirect_uri=redirect_uri, scopes=" ".join(scopes), code_challenge=code_challenge or None,
        code_challenge_method="S256" if code_challenge else None, created_at=now, expires_at=now + CODE_LIFETIME,
    ))
    await session.flush()
    return code


def _pkce_ok(challenge: str, verifier: str | None) -> bool:
    if not verifier:
        return False
    computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return secrets.compare_digest(computed, challenge)


async def exchange_code(
    session: AsyncSession, *, application: Application, code: str, redirect_uri: str | None, code_verifier: str | None
) -> AuthorizationCode:
    """Spend a code once. Any mismatch is the same ``invalid_grant`` (RFC 6749 §5.2)."""
    row = await session.scalar(select(AuthorizationCode).where(AuthorizationCode.code_hash == digest(code or "")))
    bad = Unauthorized("The provided authorization grant is invalid, expired, revoked, does not match the "
                       "redirection URI used in the authorization request, or was issued to another client.")
    if row is None or row.application_id != application.id or row.used_at is not None:
        raise bad
    if row.expires_at < utcnow() or (redirect_uri and redirect_uri != row.redirect_uri):
        raise bad
    if row.code_challenge and not _pkce_ok(row.code_challenge, code_verifier):
        raise bad
    row.used_at = utcnow()
    await session.flush()
    return row
