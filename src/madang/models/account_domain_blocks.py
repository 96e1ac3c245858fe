"""User-level domain blocks (Mastodon's AccountDomainBlock): an account hides a whole remote
server from itself — its posts and notifications, its followers of the account, new follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class AccountDomainBlock(SnowflakePK, Base):
    """One account's block of one domain (and its subdomains). The row id is the list cursor."""

    __tablename__ = "account_domain_blocks"
    __table_args__ = (UniqueConstraint("account_id", "domain"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
