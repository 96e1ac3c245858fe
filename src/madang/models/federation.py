"""Federation's own tables: actors' key pairs, remote servers' delivery state, tombstones of
remote objects and the instance's domain blocks (decision 0035)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class ActorKey(SnowflakePK, Base):
    """The RSA key pair a local actor signs with; account_id NULL is the instance actor's."""

    __tablename__ = "actor_keys"

    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True, default=None)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class FederatedDomain(SnowflakePK, Base):
    """What delivery knows of a remote server: the UTC days it failed (a success clears them),
    and since when it counts as unavailable (7 failing days, as Mastodon)."""

    __tablename__ = "federated_domains"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    failure_days: Mapped[list] = mapped_column(JSON, default=list)
    unavailable_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]


class RemoteTombstone(SnowflakePK, Base):
    """A remote object that was deleted (or whose Delete came first): never stored again."""

    __tablename__ = "remote_tombstones"

    uri: Mapped[str] = mapped_column(String(500), unique=True)
    account_uri: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime]


class DomainBlock(SnowflakePK, Base):
    """An instance-wide block of a remote server (Mastodon's admin domain blocks)."""

    __tablename__ = "domain_blocks"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    severity: Mapped[str] = mapped_column(String(10), default="suspend")  # noop | silence | suspend
    reject_media: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    public_comment: Mapped[str] = mapped_column(Text, default="")
    private_comment: Mapped[str] = mapped_column(Text, default="")
    obfuscate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
