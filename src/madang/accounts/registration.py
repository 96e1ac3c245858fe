"""Sign-up: a local Account and its User, in one step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.passwords import hash_password
from madang.accounts.profiles import render_note_html
from madang.accounts.rules import (
    check_locale,
    check_note,
    check_password,
    check_username,
    normalise_display_name,
    normalise_email,
)
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid
from madang.core.ids import new_id
from madang.models import Account, User
from madang.models.moderation_admin import EmailDomainBlock

USERNAME_TAKEN = "This username is already taken"
EMAIL_TAKEN = "This e-mail address is already registered"
EMAIL_DOMAIN_BLOCKED = "E-mail uses a disallowed e-mail provider"
SIGN_UP_REASON_MAX = 1000


async def check_email_domain(session: AsyncSession, email: str) -> None:
    """Refuse an address at a blocked domain or any subdomain of one (the moderators' list)."""
    labels = email.rpartition("@")[2].split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels))]
    if await session.scalar(select(exists().where(EmailDomainBlock.domain.in_(candidates)))):
        raise Invalid(EMAIL_DOMAIN_BLOCKED, field="email")


async def username_taken(session: AsyncSession, username: str) -> bool:
    stmt = select(exists().where(Account.acct_key == username.lower()))
    return bool(await session.scalar(stmt))


async def email_taken(session: AsyncSession, email: str) -> bool:
    return bool(await session.scalar(select(exists().where(User.email == email.lower()))))


async def register_account(
    session: AsyncSession,
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    locale: str = "ko",
    base_url: str,
    now: datetime | None = None,
    organisation: bool = False,
    verified: bool = False,
    locked: bool = False,
    bot: bool = False,
    note: str = "",
    confirmed: bool = True,
    password_hash: str | None = None,
    approval_required: bool = False,
    reason: str = "",
) -> tuple[Account, User]:
    """Raises Invalid for bad input and Conflict for a taken username or e-mail, in
    both cases having written nothing. ``password_hash``, when given, is a hash already
    made from ``password`` (loading many accounts that share one, as the demo does)."""
    check_username(username)
    email = normalise_email(email)
    check_password(password)
    display_name = normalise_display_name(display_name)
    check_note(note)
    check_locale(locale)
    reason = (reason or "").strip()
    if len(reason) > SIGN_UP_REASON_MAX:
        raise Invalid(f"Reason is too long (maximum is {SIGN_UP_REASON_MAX} characters)", field="reason")
    await check_email_domain(session, email)
    if await username_taken(session, username):
        raise Conflict(USERNAME_TAKEN, field="username")
    if await email_taken(session, email):
        raise Conflict(EMAIL_TAKEN, field="email")

    now = now or utcnow()
    base_url = base_url.rstrip("/")
    account = Account(
        id=new_id(),
        username=username,
        domain=None,
        acct_key=username.lower(),
        display_name=display_name,
        note=note,
        note_html=render_note_html(note, base_url=base_url),
        fields=[],
        locked=locked,
        bot=bot,
        discoverable=True,
        organisation=organisation,
        verified_at=now if verified else None,
        uri=f"{base_url}/users/{username}",
        url=f"{base_url}/@{username}",
        created_at=now,
        updated_at=now,
    )
    user = User(
        account_id=account.id,
        email=email,
        password_hash=password_hash or hash_password(password),
        created_at=now,
        confirmed_at=now if confirmed else None,
        locale=locale,
        # Registrations by approval: the account exists but cannot sign in until an admin approves.
        approved=not approval_required,
        sign_up_reason=reason,
    )
    try:
        # The checks above race with a concurrent sign-up; the unique constraints
        # decide, and the savepoint keeps the caller's transaction usable.
        async with session.begin_nested():
            session.add_all([account, user])
    except IntegrityError as exc:
        if await username_taken(session, username):
            raise Conflict(USERNAME_TAKEN, field="username") from exc
        raise Conflict(EMAIL_TAKEN, field="email") from exc
    return account, user
