"""Servers the instance chose to federate with (Mastodon's DomainAllow): used only in allow-list
mode (MADANG_FEDERATION_MODE=allowlist, decision 0040), where every other server is treated as
suspended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class DomainAllow(SnowflakePK, Base):
    """One allowed domain (and its subdomains), stored as domain blocks are: lower case, punycode."""

    __tablename__ = "domain_allows"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
