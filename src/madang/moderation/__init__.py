"""Moderation: reports filed by users, the moderators' actions and audit log, registrations and instance settings."""

from madang.moderation.actions import (
    delete_status_as_moderator,
    dismiss_report,
    limit_account,
    suspend_account,
    unlimit_account,
    unsuspend_account,
)
from madang.moderation.audit import list_actions
from madang.moderation.email_domain_blocks import block_email_domain, list_email_domain_blocks, unblock_email_domain
from madang.moderation.permissions import is_admin, require_admin
from madang.moderation.queue import get_report_detail, list_reports
from madang.moderation.registrations import (
    approve_sign_up,
    count_pending_sign_ups,
    list_pending_sign_ups,
    reject_sign_up,
)
from madang.moderation.reports import (
    MAX_COMMENT,
    count_open_reports,
    file_report,
    list_open_reports,
)

__all__ = [
    "MAX_COMMENT", "approve_sign_up", "block_email_domain", "count_open_reports", "count_pending_sign_ups",
    "delete_status_as_moderator", "dismiss_report", "file_report", "get_report_detail", "is_admin",
    "limit_account", "list_actions", "list_email_domain_blocks", "list_open_reports", "list_pending_sign_ups",
    "list_reports", "reject_sign_up", "require_admin", "suspend_account", "unblock_email_domain",
    "unlimit_account", "unsuspend_account",
]
