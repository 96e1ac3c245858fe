"""Conversation entities."""

from __future__ import annotations

from typing import Any

from madang.mastodon_api.serializers.accounts import account_json
from madang.models import Account, AccountConversation


def conversation_json(row: AccountConversation, accounts: dict[int, Account], last_status: dict[str, Any] | None,
                      base_url: str) -> dict[str, Any]:
    # As Mastodon: a note to oneself lists oneself.
    ids = [i for i in row.participant_ids if i in accounts] or [row.account_id]
    return {"id": str(row.id), "unread": row.unread,
            "accounts": [account_json(accounts[i], base_url) for i in ids if i in accounts],
            "last_status": last_status}
