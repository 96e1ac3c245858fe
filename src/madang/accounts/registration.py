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
from madang.mail import send_mail
from madang.jobs import enqueue
from madang.models import Account, User
from madang.models.moderation_admin import EmailDomainBlock

USERNAME_TAKEN = "This username is already taken"
EMAIL_TAKEN = "This e-mail address is already registered"
# Where a sign-up signs in at once (no e-mail confirmation, no approval), a taken address
# cannot be hidden: the answer says so without naming it.
SIGN_UP_REFUSED = "This sign-up cannot be completed; if you already have an account, sign in or reset your password"
EMAIL_DOMAIN_BLOCKED = "E-mail uses a disallowed e-mail provider"
SIGN_UP_REASON_MAX = 1000


class EmailTaken(Conflict):
    """A sign-up with an address that already has a login. Which addresses are registered
    is not public: surfaces answer as they answer a new sign-up where they can, and call
    ``warn_owner_of_sign_up`` so the owner hears of it."""


def _sign_up_notice(locale: str, username: str, base_url: str, site: str) -> tuple[str, str]:
    if locale == "en":
        return (f"[{site}] Someone tried to sign up with your e-mail address",
                f"Hello @{username},\n\nSomeone tried to sign up to {site} with this e-mail address. It already "
                f"belongs to your account @{username}, so no new account was made.\n\nIf it was you, sign in: "
                f"{base_url}/auth/sign_in\nForgot your password? {base_url}/auth/password\n\n"
                "If it was not you, ignore this message: your account is unchanged.\n")
    return (f"[{site}] 이 이메일 주소로 가입하려는 시도가 있었습니다",
            f"@{username} 님,\n\n누군가 이 이메일 주소로 {site}에 새로 가입하려고 했습니다. 이 주소는 이미 "
            f"@{username} 계정에 쓰이고 있어 새 계정은 만들어지지 않았습니다.\n\n본인이라면 로그인하세요: "
            f"{base_url}/auth/sign_in\n비밀번호를 잊으셨다면: {base_url}/auth/password\n\n"
            "본인이 아니라면 이 메일을 무시하세요. 계정은 그대로입니다.\n")


async def warn_owner_of_sign_up(session: AsyncSession, *, email: str, base_url: str, site_title: str) -> None:
    """E-mail the owner of ``email`` that someone tried to sign up with it (silent when the
    address has no usable login: the caller answers the same either way)."""
    email = normalise_email(email)
    row = (await session.execute(select(User, Account).join(Account, Account.id == User.account_id)
                                 .where(User.email == email))).first()
    if row is None or row[0].disabled or row[1].suspended_at is not None:
        return
    subject, body = _sign_up_notice(row[0].locale, row[1].username, base_url.rstrip("/"), site_title)
    await send_mail(session, to=row[0].email, subject=subject, body=body)


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
    # Hashed before the checks: a taken address must not answer faster than a new one.
    password_hash = password_hash or hash_password(password)
    if await username_taken(session, username):
        raise Conflict(USERNAME_TAKEN, field="username")
    if await email_taken(session, email):
        raise EmailTaken(EMAIL_TAKEN, field="email")

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
        password_hash=password_hash,
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
        raise EmailTaken(EMAIL_TAKEN, field="email") from exc
    # The account's ActivityPub key pair is made by a job, never in the request: 30 s on, so a
    # burst of sign-ups is served by one run (it keys every account that has none).
    await enqueue(session, "federation.make_keys", {}, delay=30)
    return account, user
