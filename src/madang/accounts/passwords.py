"""Password hashing (argon2id), login and password changes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.rules import check_password
from madang.core.errors import Forbidden, Unauthorized
from madang.models import Account, User

# Library defaults (argon2id, RFC 9106 low-memory profile) in production. Module-level
# so tests can swap in a cheap hasher; argon2 is slow on purpose.
_hasher = PasswordHasher()
_dummy_hash: tuple[PasswordHasher, str] | None = None

LOGIN_FAILED = "Wrong e-mail, username or password"
# Mastodon's words for a login waiting for approval and a suspended one.
PENDING_APPROVAL = "Your login is currently pending approval"
LOGIN_SUSPENDED = "Your login is currently disabled"


def use_fast_hasher_for_tests() -> None:
    """Cheapest argon2id parameters: hashes keep the real format, at a fraction of the cost."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_default_hasher() -> None:
    global _hasher
    _hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(hash: str, password: str) -> bool:
    try:
        return _hasher.verify(hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hash: str) -> bool:
    """True when ``hash`` was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(hash)
    except InvalidHashError:
        return True


def _dummy() -> str:
    # A real hash made with the current parameters, so an unknown login costs as much
    # as a known one and timing does not reveal which usernames exist.
    global _dummy_hash
    if _dummy_hash is None or _dummy_hash[0] is not _hasher:
        _dummy_hash = (_hasher, _hasher.hash("not a real password"))
    return _dummy_hash[1]


async def find_user_by_login(session: AsyncSession, login: str) -> User | None:
    """``login`` is an e-mail address or a local username (with or without ``@``)."""
    login = login.strip()
    if "@" in login.lstrip("@"):
        stmt = select(User).where(User.email == login.lower())
    else:
        stmt = (
            select(User)
            .join(Account, Account.id == User.account_id)
            .where(Account.acct_key == login.lstrip("@").lower(), Account.domain.is_(None))
        )
    return (await session.execute(stmt)).scalar_one_or_none()


async def authenticate(session: AsyncSession, *, login: str, password: str) -> User:
    """The user whose credentials these are. Raises Unauthorized with one message for an
    unknown login and a wrong password alike; Forbidden for a disabled login (only once
    the password has been shown to be right, so it reveals nothing to a guesser)."""
    user = await find_user_by_login(session, login) if login.strip() else None
    if user is None:
        verify_password(_dummy(), password)
        raise Unauthorized(LOGIN_FAILED)
    if not verify_password(user.password_hash, password):
        raise Unauthorized(LOGIN_FAILED)
    if user.disabled:
        raise Forbidden("This login is disabled")
    if not user.approved:  # registrations by approval: an admin has not said yes yet
        raise Forbidden(PENDING_APPROVAL)
    if await session.scalar(select(Account.suspended_at).where(Account.id == user.account_id)) is not None:
        raise Forbidden(LOGIN_SUSPENDED)
    if needs_rehash(user.password_hash):
        # Upgrades old hashes as people log in; it is saved only if the caller's unit
        # of work is a write that commits, and costs nothing otherwise.
        user.password_hash = hash_password(password)
    return user


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    session.add(user)
    await session.flush()
