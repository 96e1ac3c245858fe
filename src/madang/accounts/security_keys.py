"""Security keys (WebAuthn) as a second factor, as Mastodon offers them: added from the
two-factor settings once authenticator codes are on, and usable instead of a code at sign-in.
The ceremony's checks (origin, RP id, challenge, signature, user presence, counter) are the
`webauthn` library's (py_webauthn); this module keeps the rules: one pending challenge per user,
consumed by the first answer and good for five minutes; a key belongs to one user; a counter
that goes backwards is a cloned key and is refused; turning two-factor off removes the keys."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.two_factor import NOT_ON, is_on
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound, Unauthorized
from madang.core.ids import new_id
from madang.models import SecurityKey, TwoFactor, User

# py_webauthn (with pyOpenSSL and cbor2) is imported when a ceremony happens, not with the app:
# it would add ~7 MB to every idle server process for a page few people open.
CHALLENGE_LIFETIME = timedelta(minutes=5)
NAME_MAX = 60
MAX_KEYS = 10
KEY_REFUSED = "보안 키를 확인하지 못했습니다. 다시 해 보거나 인증 코드를 넣어 주세요."
ADD_REFUSED = "보안 키를 등록하지 못했습니다. 처음부터 다시 해 주세요."


@dataclass(frozen=True)
class RelyingParty:
    """This server as WebAuthn names it: its host name (``id``) and its origin."""

    id: str
    name: str
    origin: str


async def _store_challenge(session: AsyncSession, user: User, challenge: bytes, purpose: str) -> None:
    from webauthn.helpers import bytes_to_base64url

    await session.execute(update(TwoFactor).where(TwoFactor.user_id == user.id).values(
        webauthn_challenge=bytes_to_base64url(challenge), webauthn_purpose=purpose, webauthn_challenge_at=utcnow()))


async def _take_challenge(session: AsyncSession, user: User, purpose: str) -> bytes | None:
    """The pending challenge of this purpose, consumed (a second answer finds none)."""
    row = await session.get(TwoFactor, user.id)
    if row is None or not row.webauthn_challenge or row.webauthn_purpose != purpose:
        return None
    import webauthn

    challenge, issued = row.webauthn_challenge, row.webauthn_challenge_at
    taken = await session.execute(update(TwoFactor).where(
        TwoFactor.user_id == user.id, TwoFactor.webauthn_challenge == challenge).values(
        webauthn_challenge=None, webauthn_purpose=None, webauthn_challenge_at=None))
    if taken.rowcount != 1 or issued is None or issued < utcnow() - CHALLENGE_LIFETIME:  # type: ignore[attr-defined]
        return None
    return webauthn.base64url_to_bytes(challenge)


async def list_security_keys(session: AsyncSession, user_id: int) -> list[SecurityKey]:
    return list(await session.scalars(select(SecurityKey).where(SecurityKey.user_id == user_id)
                                      .order_by(SecurityKey.id)))


async def registration_options(session: AsyncSession, *, user: User, user_name: str, display_name: str,
                               rp: RelyingParty) -> str:
    """The options for navigator.credentials.create(), as JSON; two-factor must be on."""
    import webauthn
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor, ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    if not await is_on(session, user.id):
        raise Conflict(NOT_ON)
    existing = await list_security_keys(session, user.id)
    if len(existing) >= MAX_KEYS:
        raise Invalid(f"보안 키는 {MAX_KEYS}개까지 등록할 수 있습니다", field="name")
    options = webauthn.generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=str(user.id).encode(), user_name=user_name,
        user_display_name=display_name or user_name,
        exclude_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(k.credential_id))
                             for k in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.DISCOURAGED))
    await _store_challenge(session, user, options.challenge, "register")
    return webauthn.options_to_json(options)


async def add_security_key(session: AsyncSession, *, user: User, rp: RelyingParty, credential: str,
                           name: str) -> SecurityKey:
    import webauthn
    from webauthn.helpers import bytes_to_base64url

    name = " ".join((name or "").split())
    if not name:
        raise Invalid("보안 키의 이름을 적어 주세요 (예: 사무실 USB 키)", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"이름은 {NAME_MAX}자까지 쓸 수 있습니다", field="name")
    if not await is_on(session, user.id):
        raise Conflict(NOT_ON)
    challenge = await _take_challenge(session, user, "register")
    if challenge is None:
        raise Invalid(ADD_REFUSED, field="credential")
    try:
        verified = webauthn.verify_registration_response(
            credential=_parsed(credential), expected_challenge=challenge, expected_rp_id=rp.id,
            expected_origin=rp.origin)
    except Exception:  # whatever the browser sent: InvalidRegistrationResponse, malformed JSON fields
        raise Invalid(ADD_REFUSED, field="credential") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if await session.scalar(select(SecurityKey.id).where(SecurityKey.credential_id == credential_id)):
        raise Invalid("이미 등록한 보안 키입니다", field="credential")
    key = SecurityKey(id=new_id(), user_id=user.id, credential_id=credential_id,
                      public_key=bytes_to_base64url(verified.credential_public_key), sign_count=verified.sign_count,
                      name=name, created_at=utcnow())
    session.add(key)
    await session.flush()
    return key


async def authentication_options(session: AsyncSession, *, user: User, rp: RelyingParty) -> str | None:
    """The options for navigator.credentials.get(), as JSON; None when the user has no key."""
    import webauthn
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

    keys = await list_security_keys(session, user.id)
    if not keys or not await is_on(session, user.id):
        return None
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, allow_credentials=[PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(k.credential_id))
                                        for k in keys],
        user_verification=UserVerificationRequirement.DISCOURAGED)
    await _store_challenge(session, user, options.challenge, "sign_in")
    return webauthn.options_to_json(options)


async def check_security_key(session: AsyncSession, *, user: User, rp: RelyingParty, credential: str) -> SecurityKey:
    """The key that answered this sign-in's challenge; Unauthorized for anything else."""
    import webauthn

    challenge = await _take_challenge(session, user, "sign_in")
    parsed = _parsed(credential)
    raw_id = parsed.get("rawId") or parsed.get("id") if isinstance(parsed, dict) else None
    if challenge is None or not isinstance(raw_id, str):
        raise Unauthorized(KEY_REFUSED)
    key = await session.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id,
                                                         SecurityKey.credential_id == raw_id))
    if key is None:
        raise Unauthorized(KEY_REFUSED)
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=webauthn.base64url_to_bytes(key.public_key),
            credential_current_sign_count=key.sign_count)
    except Exception:  # InvalidAuthenticationResponse, or malformed fields
        raise Unauthorized(KEY_REFUSED) from None
    key.sign_count, key.last_used_at = verified.new_sign_count, utcnow()
    await session.flush()
    return key


async def remove_security_key(session: AsyncSession, *, user: User, key_id: int) -> None:
    gone = await session.execute(delete(SecurityKey).where(SecurityKey.id == key_id, SecurityKey.user_id == user.id))
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("보안 키를 찾을 수 없습니다")


def _parsed(credential: str) -> dict:
    try:
        value = json.loads(credential or "")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
