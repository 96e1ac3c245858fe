"""Two-factor sign-in: a user's authenticator secret (encrypted with the instance's key) and
their one-time recovery codes (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class TwoFactor(Base):
    """One user's TOTP: ``pending_secret`` while they set it up (until a first code proves their
    app has it), ``secret`` once on. ``last_step`` is the newest 30-second step a code was
    accepted for: a code is good once (RFC 6238 section 5.2)."""

    __tablename__ = "two_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(300), default=None)
    pending_secret: Mapped[str | None] = mapped_column(String(300), default=None)
    enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # A security key ceremony under way (base64url challenge, and when it was issued).
    webauthn_challenge: Mapped[str | None] = mapped_column(String(200), default=None)
    webauthn_purpose: Mapped[str | None] = mapped_column(String(20), default=None)
    webauthn_challenge_at: Mapped[datetime | None] = mapped_column(default=None)


class RecoveryCode(SnowflakePK, Base):
    """A one-time code for a lost authenticator: only its SHA-256 is kept; ``used_at`` once used."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class SecurityKey(SnowflakePK, Base):
    """A security key (WebAuthn credential) a user signs in with instead of a code; only with
    two-factor on, as Mastodon. ``sign_count`` is the authenticator's counter: a smaller one
    than stored means a cloned key (refused). The pending challenge of a ceremony lives on the
    user's TwoFactor row (``webauthn_challenge``) and is consumed by the first answer."""

    __tablename__ = "security_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url
    public_key: Mapped[str] = mapped_column(String(2000))  # base64url COSE key
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
