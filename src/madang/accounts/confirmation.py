"""Confirming an e-mail address: a sign-up with SMTP configured waits for its link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.mail_tokens import CONFIRMATION, issue_mail_token, spend_mail_token
from madang.core.clock import utcnow
from madang.core.errors import Forbidden
from madang.mail import send_mail
from madang.models import Account, User

CONFIRMATION_LIFETIME = timedelta(days=2)
NOT_CONFIRMED = "Your e-mail address is not confirmed yet"


def confirmation_required(*, smtp_url: str | None, enabled: bool) -> bool:
    """Sign-ups wait for their e-mail link when mail can actually be sent and the instance
    has not turned confirmation off (MADANG_EMAIL_CONFIRMATION=false)."""
    return bool(smtp_url) and enabled


def check_confirmed(user: User) -> None:
    """Refuse a sign-in until the address is confirmed (after the password was shown right)."""
    if user.confirmed_at is None:
        raise Forbidden(NOT_CONFIRMED)


def _confirmation_mail(locale: str, username: str, link: str, site: str) -> tuple[str, str]:
    if locale == "en":
        return (f"[{site}] Confirm your e-mail address",
                f"Hello @{username},\n\nWelcome to {site}. Open this link to confirm your address and sign in:\n\n"
                f"{link}\n\nIf you did not sign up, ignore this message.\n")
    return (f"[{site}] 이메일 주소를 확인해 주세요",
            f"@{username} 님, {site}에 오신 것을 환영합니다.\n\n아래 링크를 열면 이메일 주소가 확인되고 "
            f"로그인할 수 있습니다.\n\n{link}\n\n가입하지 않으셨다면 이 메일을 무시하세요.\n")


async def send_confirmation(session: AsyncSession, *, user: User, account: Account, base_url: str,
                            site_title: str) -> None:
    secret = await issue_mail_token(session, user=user, purpose=CONFIRMATION, lifetime=CONFIRMATION_LIFETIME)
    subject, body = _confirmation_mail(user.locale, account.username,
                                       f"{base_url.rstrip('/')}/auth/confirm/{secret}", site_title)
    await send_mail(session, to=user.email, subject=subject, body=body)


async def resend_confirmation(session: AsyncSession, *, email: str, base_url: str, site_title: str) -> None:
    """A new link for an unconfirmed address; silent otherwise (no enumeration)."""
    email = email.strip().lower()
    if not email or "@" not in email or len(email) > 254:
        return
    row = (await session.execute(select(User, Account).join(Account, Account.id == User.account_id)
                                 .where(User.email == email))).first()
    if row is None or row[0].confirmed_at is not None or row[0].disabled:
        return
    await send_confirmation(session, user=row[0], account=row[1], base_url=base_url, site_title=site_title)


async def confirm_email(session: AsyncSession, *, token: str) -> User:
    user = await spend_mail_token(session, token, purpose=CONFIRMATION)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        session.add(user)
        await session.flush()
    return user
