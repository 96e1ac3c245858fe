"""Report entities."""

from __future__ import annotations

from typing import Any

from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.formats import ts
from madang.models import Account, Report


def report_json(report: Report, target: Account, base_url: str) -> dict[str, Any]:
    return {
        "id": str(report.id),
        "action_taken": report.action_taken_at is not None,
        "action_taken_at": ts(report.action_taken_at),
        "category": report.category,
        "comment": report.comment,
        "forwarded": report.forwarded,
        "created_at": ts(report.created_at),
        "status_ids": [str(i) for i in report.status_ids] or None,
        "rule_ids": [str(i) for i in report.rule_ids] or None,
        "collection_ids": None,
        "target_account": account_json(target, base_url),
    }
