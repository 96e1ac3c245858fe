"""Filter, FilterKeyword, FilterStatus, FilterResult, and the v1 Filter view of a keyword."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from madang.filters import ActiveFilter, FilterDetail, FilterMatch
from madang.mastodon_api.serializers.formats import ts
from madang.models import Filter, FilterKeyword, FilterStatus


def filter_keyword_json(k: FilterKeyword) -> dict[str, Any]:
    return {"id": str(k.id), "keyword": k.keyword, "whole_word": k.whole_word}


def filter_status_json(s: FilterStatus) -> dict[str, Any]:
    return {"id": str(s.id), "status_id": str(s.status_id)}


def filter_json(d: FilterDetail) -> dict[str, Any]:
    f = d.filter
    return {"id": str(f.id), "title": f.title, "context": f.contexts, "expires_at": ts(f.expires_at),
            "filter_action": f.action, "keywords": [filter_keyword_json(k) for k in d.keywords],
            "statuses": [filter_status_json(s) for s in d.statuses]}


def v1_filter_json(k: FilterKeyword, f: Filter) -> dict[str, Any]:
    """Mastodon 4 shows each keyword as one v1 filter, with its parent's context and expiry."""
    return {"id": str(k.id), "phrase": k.keyword, "context": f.contexts, "whole_word": k.whole_word,
            "expires_at": ts(f.expires_at), "irreversible": f.action == "hide"}


def _short_filter_json(f: ActiveFilter) -> dict[str, Any]:
    # Inside a FilterResult the keywords and statuses are left out, as Mastodon does.
    return {"id": str(f.id), "title": f.title, "context": list(f.contexts), "expires_at": ts(f.expires_at),
            "filter_action": f.action}


def filter_results_json(matches: Sequence[FilterMatch]) -> list[dict[str, Any]]:
    return [{"filter": _short_filter_json(m.filter), "keyword_matches": m.keyword_matches,
             "status_matches": m.status_matches} for m in matches]


def filter_results_bytes(matches: Sequence[FilterMatch]) -> bytes:
    return orjson.dumps(filter_results_json(matches))
