"""Conversations: direct-message threads as each participant sees them."""

from madang.conversations.queries import (
    get_conversation,
    list_conversations,
    list_direct_timeline,
    mark_conversation_read,
    remove_conversation,
)
from madang.conversations.updating import ADD_STATUS_JOB, add_direct_status

__all__ = [
    "ADD_STATUS_JOB", "add_direct_status", "get_conversation", "list_conversations", "list_direct_timeline",
    "mark_conversation_read", "remove_conversation",
]
