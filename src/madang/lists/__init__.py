"""Lists: named sets of followed accounts, their members, and what a list timeline shows."""

from madang.lists.manage import (
    MAX_LISTS,
    MAX_TITLE,
    create_list,
    delete_list,
    find_list,
    get_list,
    list_lists,
    list_lists_containing,
    update_list,
)
from madang.lists.members import (
    add_list_accounts,
    exclusive_member_ids_query,
    list_list_accounts,
    member_ids_query,
    remove_list_accounts,
)
from madang.lists.timeline import list_ids_showing, list_list_timeline, list_statuses_query

__all__ = [
    "MAX_LISTS", "MAX_TITLE", "add_list_accounts", "create_list", "delete_list", "exclusive_member_ids_query",
    "find_list", "get_list", "list_ids_showing", "list_list_accounts", "list_list_timeline", "list_lists",
    "list_lists_containing", "list_statuses_query", "member_ids_query", "remove_list_accounts", "update_list",
]
