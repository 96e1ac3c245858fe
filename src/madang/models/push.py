"""Web Push: the instance's VAPID key pair and the push subscriptions of access tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

SERVER_KEY_ID = 1  # one key pair per instance: a fixed row, so concurrent creators meet on it


class PushServerKey(Base):
    """The VAPID key pair push services check our deliveries against (RFC 8292)."""

    __tablename__ = "push_server_keys"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # URL-safe base64 of the uncompressed P-256 point, with padding, as Mastodon shows it.
    public_key: Mapped[str] = mapped_column(String(100))
    # URL-safe base64 of the 32-byte private scalar (py_vapid's "raw" form).
    private_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class WebPushSubscription(SnowflakePK, Base):
    """Where to push an account's notifications: one per access token, as Mastodon."""

    __tablename__ = "web_push_subscriptions"

    # Indexed: notifying asks "has the recipient any subscription?" for every notification.
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    access_token_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_access_tokens.id", ondelete="CASCADE"), unique=True
    )
    endpoint: Mapped[str] = mapped_column(Text)
    key_p256dh: Mapped[str] = mapped_column(String(200))  # URL-safe base64, no padding
    key_auth: Mapped[str] = mapped_column(String(100))
    # RFC 8291 aes128gcm when true; Mastodon's legacy aesgcm (draft 4) when false.
    standard: Mapped[bool] = mapped_column(Boolean, default=False)
    alerts: Mapped[dict] = mapped_column(JSON, default=dict)  # notification type -> bool
    policy: Mapped[str] = mapped_column(String(10), default="all")
    # The payload carries the access token (clients match pushes to logins by it); only a
    # hash of tokens is kept elsewhere, so it is stored sealed with the instance secret.
    sealed_token: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
