"""Finding statuses, accounts and tags, with Korean text matched as a Korean reader means it."""

from madang.search.accounts import search_accounts
from madang.search.statuses import StatusSearch, search_statuses, searchable_by
from madang.search.tags import search_tags

__all__ = ["StatusSearch", "search_accounts", "search_statuses", "search_tags", "searchable_by"]
