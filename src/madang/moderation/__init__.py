"""Moderation: reports filed by users, kept for the moderation queue."""

from madang.moderation.reports import (
    MAX_COMMENT,
    count_open_reports,
    file_report,
    list_open_reports,
)

__all__ = ["MAX_COMMENT", "count_open_reports", "file_report", "list_open_reports"]
