"""Changing a password: by the owner (the current one required) or by an e-mailed reset link.

Either way the account's other sessions and app tokens stop working: whoever knew the old
password may be holding one. The use cases return the hashes of the tokens they revoked, so
the surface can drop them from its process cache at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.mail_tokens import PASSWORD_RESET, issue_mail_token, spend_mail_token
from madang.accounts.passwords import hash_password, verify_password
from madang.accounts.rules import check_password
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.mail import send_mail
from madang.models import AccessToken, Account, User

RESET_LIFETIME = timedelta(hours=1)
WRONG_CURRENT = "Current password is not correct"
SAME_PASSWORD = "The new password must differ from the current one"


async def revoke_sessions(session: AsyncSession, *, account_id: int, keep_token_id: int | None = None) -> list[str]:
    """Revoke every live token of the account but ``keep_token_id``; their hashes."""
    where = [AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None)]
    if keep_token_id is not None:
        where.append(AccessToken.id != keep_token_id)
    hashes = list(await session.scalars(select(AccessToken.token_hash).where(*where)))
    if hashes:
        await session.execute(update(AccessToken).where(*where).values(revoked_at=utcnow()))
    return hashes


async def change_password(session: AsyncSession, *, user: User, current_password: str, new_password: str,
                          keep_token_id: int | None) -> list[str]:
    if not verify_password(user.password_hash, current_password):
        raise Invalid(WRONG_CURRENT, field="current_password")
    check_password(new_password)
    if verify_password(user.password_hash, new_password):
        raise Invalid(SAME_PASSWORD, field="password")
    user.password_hash = hash_password(new_password)
    session.add(user)
    revoked = await revoke_sessions(session, account_id=user.account_id, keep_token_id=keep_token_id)
    await session.flush()
    return revoked


def _reset_mail(locale: str, username: str, link: str, site: str) -> tuple[str, str]:
    if locale == "en":
        return (f"[{site}] Resetting your password",
                f"Hello @{username},\n\nSomeone (hopefully you) asked to reset the password of your {site} account.\n"
                f"Open this link within an hour to choose a new one:\n\n{link}\n\n"
                "If you did not ask for this, ignore this message: your password stays as it is.\n")
    return (f"[{site}] 비밀번호 재설정 안내",
            f"@{username} 님, 안녕하세요.\n\n{site} 계정의 비밀번호 재설정을 요청하셨습니다.\n"
            f"한 시간 안에 아래 링크를 열어 새 비밀번호를 정하세요.\n\n{link}\n\n"
            "요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 그대로 유지됩니다.\n")


async def request_password_reset(session: AsyncSession, *, email: str, base_url: str, site_title: str) -> None:
    """E-mail a reset link if the address belongs to a usable login. Says nothing either way:
    the caller answers the same, so nobody learns which addresses are registered."""
    email = email.strip().lower()
    if not email or "@" not in email or len(email) > 254:
        return
    row = (await session.execute(select(User, Account).join(Account, Account.id == User.account_id)
                                 .where(User.email == email))).first()
    if row is None:
        return
    user, account = row
    if user.disabled or account.suspended_at is not None:
        return
    secret = await issue_mail_token(session, user=user, purpose=PASSWORD_RESET, lifetime=RESET_LIFETIME)
    subject, body = _reset_mail(user.locale, account.username, f"{base_url.rstrip('/')}/auth/password/{secret}",
                                site_title)
    await send_mail(session, to=user.email, subject=subject, body=body)


async def reset_password(session: AsyncSession, *, token: str, password: str) -> list[str]:
    """Set the password from a reset link (used up); every session of the account ends.
    Checks the new password first, so a refused one leaves the link usable."""
    check_password(password)
    user = await spend_mail_token(session, token, purpose=PASSWORD_RESET)
    user.password_hash = hash_password(password)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()  # the link reached the inbox: the address is theirs
    session.add(user)
    revoked = await revoke_sessions(session, account_id=user.account_id)
    await session.flush()
    return revoked
