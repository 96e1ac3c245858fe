"""Moderation actions and their audit log, e-mail domain blocks and the instance's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

# What a moderator (or admin) did; the log is append-only, so every value stays meaningful.
MODERATION_ACTIONS = (
    "dismiss_report", "resolve_report", "delete_status", "limit_account", "unlimit_account",
    "suspend_account", "unsuspend_account", "approve_registration", "reject_registration",
    "block_email_domain", "unblock_email_domain", "update_settings",
    "block_domain", "update_domain_block", "unblock_domain",  # issue 14: remote servers
    "allow_domain", "disallow_domain",  # issue 14: allow-list mode (decision 0040)
    "create_announcement", "update_announcement", "publish_announcement", "unpublish_announcement",
    "delete_announcement",  # issue 15: instance announcements
)
REGISTRATION_MODES = ("open", "closed", "approval")


class ModerationAction(SnowflakePK, Base):
    """One line of the audit log. Rows are only ever added: a reversal is a new row."""

    __tablename__ = "moderation_actions"

    # SET NULL, not CASCADE: the record outlives the accounts and posts it names.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(40))
    target_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"),
                                                          index=True, default=None)
    target_status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"),
                                                         index=True, default=None)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True,
                                                  default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    # What the action touched that the columns do not say (a domain, the settings changed).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]


class EmailDomainBlock(SnowflakePK, Base):
    """Sign-ups with an address at this domain (or any of its subdomains) are refused."""

    __tablename__ = "email_domain_blocks"

    domain: Mapped[str] = mapped_column(String(255), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime]


class InstanceSetting(Base):
    """One admin-set instance setting (title, rules, character limit...): a key and a JSON
    value. A key that has no row falls back to the environment's default (Settings)."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime]
