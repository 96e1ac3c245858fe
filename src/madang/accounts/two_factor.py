"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and one-time recovery codes,
as Mastodon offers it: set up by scanning a QR code and typing a first code, then asked for at
every sign-in; the OAuth password grant refuses such accounts (a client signs in through the
browser instead).

The secret is kept encrypted with a key derived from the instance's secret key (a copy of the
database alone does not give the codes away); rotating that key turns two-factor off for
everyone (they sign in with a recovery code and set it up again). A code is accepted once: the
30-second step it belongs to is recorded, and an older or the same step is refused after it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from typing import TYPE_CHECKING

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.passwords import verify_password
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, Unauthorized
from madang.core.ids import new_id
from madang.models import RecoveryCode, SecurityKey, StaffMember, TwoFactor, User

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

# cryptography (~6 MB resident) is imported at first use, not at startup: most
# processes never see a two-factor sign-in, and idle memory has a budget (docs/benchmarks.md).

INTERVAL = 30
DIGITS = 6
RECOVERY_CODES = 10
WRONG_CODE = "인증 코드가 맞지 않습니다. 앱에 보이는 6자리 숫자를 다시 넣어 주세요."
NOT_ON = "2단계 인증이 켜져 있지 않습니다."
ALREADY_ON = "2단계 인증이 이미 켜져 있습니다."
NO_SETUP = "2단계 인증 설정을 처음부터 다시 시작해 주세요."
WRONG_PASSWORD = "비밀번호가 올바르지 않습니다."


@dataclass(frozen=True)
class Setup:
    secret: str  # base32, shown for typing in by hand
    uri: str  # otpauth://, the QR code's content


def _fernet(secret_key: str) -> Fernet:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"madang two-factor secrets").derive(
        secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret_key: str, secret: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def _open(secret_key: str, sealed: str | None) -> str | None:
    if not sealed:
        return None
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None  # sealed under another key: as if there were none


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").strip().lower() if ch.isalnum())[:40]


async def _row(session: AsyncSession, user: User) -> TwoFactor | None:
    return await session.get(TwoFactor, user.id)


async def is_on(session: AsyncSession, user_id: int) -> bool:
    return await session.scalar(select(TwoFactor.user_id).where(
        TwoFactor.user_id == user_id, TwoFactor.enabled_at.is_not(None))) is not None


async def begin_setup(session: AsyncSession, *, user: User, secret_key: str, issuer: str, label: str) -> Setup:
    """A new secret to scan, kept as pending until a code from it is typed (confirm_setup)."""
    row = await _row(session, user)
    if row is not None and row.enabled_at is not None:
        raise Conflict(ALREADY_ON)
    secret = pyotp.random_base32()
    if row is None:
        row = TwoFactor(user_id=user.id)
        session.add(row)
    row.pending_secret = _seal(secret_key, secret)
    await session.flush()
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=label, issuer_name=issuer)
    return Setup(secret, uri)


async def pending_setup(session: AsyncSession, *, user: User, secret_key: str, issuer: str, label: str) -> Setup | None:
    """The setup begun and not confirmed yet (to show its QR code again after a wrong code)."""
    row = await _row(session, user)
    secret = _open(secret_key, row.pending_secret) if row is not None and row.enabled_at is None else None
    if secret is None:
        return None
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=label, issuer_name=issuer)
    return Setup(secret, uri)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side for clocks that drift)."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    now = utcnow()
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


async def _new_recovery_codes(session: AsyncSession, user: User) -> list[str]:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    now = utcnow()
    session.add_all(RecoveryCode(id=new_id(), user_id=user.id, code_hash=_code_hash(_normalise(c)), created_at=now)
                    for c in codes)
    await session.flush()
    return codes


async def confirm_setup(session: AsyncSession, *, user: User, secret_key: str, code: str) -> list[str]:
    """Turns two-factor on when ``code`` comes from the pending secret; the recovery codes, to be
    shown once (only their hashes are kept)."""
    row = await _row(session, user)
    if row is not None and row.enabled_at is not None:
        raise Conflict(ALREADY_ON)
    secret = _open(secret_key, row.pending_secret) if row is not None else None
    if row is None or secret is None:
        raise Invalid(NO_SETUP, field="code")
    step = _matching_step(secret, _normalise(code))
    if step is None:
        raise Invalid(WRONG_CODE, field="code")
    row.secret, row.pending_secret, row.enabled_at, row.last_step = row.pending_secret, None, utcnow(), step
    return await _new_recovery_codes(session, user)


async def check_code(session: AsyncSession, *, user: User, secret_key: str, code: str) -> str:
    """Unauthorized unless ``code`` is a current authenticator code not used before, or an
    unused recovery code (used up by this). Returns which it was: "totp" or "recovery"."""
    row = await _row(session, user)
    secret = _open(secret_key, row.secret) if row is not None and row.enabled_at is not None else None
    if row is None or secret is None:
        raise Unauthorized(WRONG_CODE)
    typed = _normalise(code)
    step = _matching_step(secret, typed)
    if step is not None:
        # One statement decides, so two requests racing with one code cannot both pass.
        taken = await session.execute(update(TwoFactor).where(
            TwoFactor.user_id == user.id, or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step))
            .values(last_step=step).execution_options(synchronize_session=False))
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return "totp"
        raise Unauthorized(WRONG_CODE)
    used = await session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(typed), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount == 1:  # type: ignore[attr-defined]
        return "recovery"
    raise Unauthorized(WRONG_CODE)


async def recovery_codes_left(session: AsyncSession, user_id: int) -> int:
    rows = await session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                                RecoveryCode.used_at.is_(None)))
    return len(list(rows))


async def regenerate_recovery_codes(session: AsyncSession, *, user: User, secret_key: str, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), for a current authenticator code."""
    if not await is_on(session, user.id):
        raise Conflict(NOT_ON)
    await check_code(session, user=user, secret_key=secret_key, code=code)
    return await _new_recovery_codes(session, user)


async def turn_off(session: AsyncSession, *, user: User, secret_key: str, password: str, code: str) -> None:
    """Two-factor off, for the password and a current code (or a recovery code)."""
    if not await is_on(session, user.id):
        raise Conflict(NOT_ON)
    if not verify_password(user.password_hash, password):
        raise Invalid(WRONG_PASSWORD, field="password")
    try:
        await check_code(session, user=user, secret_key=secret_key, code=code)
    except Unauthorized:
        raise Invalid(WRONG_CODE, field="code") from None
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    await session.execute(delete(SecurityKey).where(SecurityKey.user_id == user.id))  # as Mastodon
    await session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))


async def setup_required(session: AsyncSession, *, account_id: int, required: bool) -> bool:
    """Whether this account must set up two-factor before using staff pages: the instance asks
    it of staff (``required``, an admin's setting) and the account is an instance admin or works
    at some organisation's desk, and has not set it up."""
    if not required:
        return False
    user = await session.scalar(select(User).where(User.account_id == account_id))
    if user is None or await is_on(session, user.id):
        return False
    if user.admin:
        return True
    return await session.scalar(select(StaffMember.id).where(StaffMember.account_id == account_id).limit(1)) \
        is not None
