"""Filters (v2): keywords and statuses a reader hides or is warned about, by context."""

from madang.filters.active import ActiveFilter, filters_for
from madang.filters.apply import FilterMatch, apply_filters, match_view
from madang.filters.cache import invalidate
from madang.filters.manage import (
    KEEP,
    FilterDetail,
    KeywordChange,
    create_filter,
    delete_filter,
    get_filter_detail,
    list_filters,
    update_filter,
)
from madang.filters.parts import (
    add_filter_status,
    add_keyword,
    delete_filter_status,
    delete_keyword,
    get_filter_status,
    get_keyword,
    list_filter_statuses,
    list_keywords,
    update_keyword,
)

__all__ = [
    "KEEP", "ActiveFilter", "FilterDetail", "FilterMatch", "KeywordChange", "add_filter_status", "add_keyword",
    "apply_filters", "create_filter", "delete_filter", "delete_filter_status", "delete_keyword", "filters_for",
    "get_filter_detail", "get_filter_status", "get_keyword", "invalidate", "list_filter_statuses", "list_filters",
    "list_keywords", "match_view", "update_filter", "update_keyword",
]
from madang.filters.v1 import (  # noqa: E402
    create_v1_filter,
    delete_v1_filter,
    get_v1_filter,
    list_v1_filters,
    update_v1_filter,
)

__all__ += ["create_v1_filter", "delete_v1_filter", "get_v1_filter", "list_v1_filters", "update_v1_filter"]
from madang.filters.live import STREAM_CONTEXTS, LiveVerdict, live_verdicts  # noqa: E402

__all__ += ["STREAM_CONTEXTS", "LiveVerdict", "live_verdicts"]
