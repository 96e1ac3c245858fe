"""Accounts (local and remote profiles) and users (local logins)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text, true
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK
from madang.models.name_keys import NAME_KEY


class AccountNames:
    """Names derived from columns; shared by the ORM entity and fast read rows."""

    __slots__ = ()
    username: str
    domain: str | None

    @property
    def is_local(self) -> bool:
        return self.domain is None

    @property
    def acct(self) -> str:
        return self.username if self.domain is None else f"{self.username}@{self.domain}"


class Account(AccountNames, SnowflakePK, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        # Remote actors are found by id (signatures, activities) and stored once.
        Index("ix_accounts_uri", "uri", unique=True),
        Index("ix_accounts_domain", "domain"),
        # An inbox POST's signer is found by its key id (when not in the process's copy).
        Index("ix_accounts_public_key_id", "public_key_id"),
        # Autocomplete (decision 0062): prefix ranges on the display name and its 초성.
        Index("ix_accounts_name_key", "name_key"),
        Index("ix_accounts_name_initials", "name_initials"),
    )

    # Local usernames are at most 30 characters (accounts.registration); remote ones up to 100.
    username: Mapped[str] = mapped_column(String(100))
    # None for local accounts; federation adds remote rows, not a new model.
    domain: Mapped[str | None] = mapped_column(String(255), default=None)
    # lower("username") or lower("username@domain"): unique case-insensitively.
    acct_key: Mapped[str] = mapped_column(String(400), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    # The display name as autocomplete compares it, and its 초성 (text.hangul_keys; kept by
    # accounts.name_keys whenever the display name is written).
    name_key: Mapped[str] = mapped_column(NAME_KEY, default="", server_default="")
    name_initials: Mapped[str] = mapped_column(NAME_KEY, default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[list] = mapped_column(JSON, default=list)
    avatar_path: Mapped[str | None] = mapped_column(String(500), default=None)
    header_path: Mapped[str | None] = mapped_column(String(500), default=None)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    bot: Mapped[bool] = mapped_column(Boolean, default=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True)
    # Public posts are found by search unless the author opts out (Mastodon's `indexable`).
    indexable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    uri: Mapped[str | None] = mapped_column(String(500), default=None)
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    suspended_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # Limited (Mastodon's "silence"): posts left out of public timelines for non-followers.
    limited_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    statuses_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    followers_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    following_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_status_at: Mapped[date | None] = mapped_column(Date, default=None)
    # A remote actor's ActivityPub endpoints and key (None for local accounts; decision 0035).
    actor_type: Mapped[str | None] = mapped_column(String(20), default=None)
    inbox_url: Mapped[str | None] = mapped_column(String(500), default=None)
    shared_inbox_url: Mapped[str | None] = mapped_column(String(500), default=None)
    outbox_url: Mapped[str | None] = mapped_column(String(500), default=None)
    followers_url: Mapped[str | None] = mapped_column(String(500), default=None)
    featured_url: Mapped[str | None] = mapped_column(String(500), default=None)
    public_key_id: Mapped[str | None] = mapped_column(String(500), default=None)
    public_key_pem: Mapped[str | None] = mapped_column(Text, default=None)
    avatar_remote_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    header_remote_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    # A remote account that moved (a Move it sent, checked against the new one's alsoKnownAs).
    # No foreign key: SQLite would rebuild the whole accounts table to add one (decision 0042).
    moved_to_account_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The custom emoji shortcodes its name, note and fields use, space-separated (NULL: none),
    # so serialising an account without any asks nothing more (federation.emoji).
    emoji_shortcodes: Mapped[str | None] = mapped_column(Text, default=None)


class User(SnowflakePK, Base):
    __tablename__ = "users"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(10), default="ko")
    default_visibility: Mapped[str] = mapped_column(String(10), default="public")
    default_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    default_language: Mapped[str] = mapped_column(String(10), default="ko")
    signup_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    # False while a sign-up waits for an admin (registrations by approval); the reason is theirs.
    approved: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    sign_up_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
