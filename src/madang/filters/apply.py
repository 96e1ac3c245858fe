"""The rule: which statuses of a page a viewer's filters hide, and which they warn about."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from madang.filters.active import ActiveFilter
from madang.models import Status
from madang.statuses.views import StatusView
from madang.text.filter_match import fold, keyword_matches

_BREAK = regex.compile(r"<br\s*/?>|</p>", regex.IGNORECASE)
_TAG = regex.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FilterMatch:
    """Mastodon's FilterResult: ``None`` where the filter has no rules of that kind."""

    filter: ActiveFilter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


def plain_text(post: Status, descriptions: Sequence[str | None] = ()) -> str:
    """What a keyword is looked for in, as Mastodon's searchable_text: the content warning, the
    text without HTML, and the media descriptions."""
    body = post.text or html.unescape(_TAG.sub("", _BREAK.sub("\n", post.content or "")))
    parts = [post.spoiler_text or "", body, *(d or "" for d in descriptions)]
    return "\n\n".join(p for p in parts if p)


def match_view(filters: Sequence[ActiveFilter], view: StatusView) -> list[FilterMatch]:
    """The filters a status (or the post a boost carries) matches."""
    target = view.reblog or view
    return match_status(filters, view.status, target.status, lambda: [m.description for m in target.media])


def match_status(filters: Sequence[ActiveFilter], status: Status, post: Status,
                 descriptions: Callable[[], Sequence[str | None]] = lambda: ()) -> list[FilterMatch]:
    """``status`` is the row shown (a boost or a post), ``post`` the post it carries."""
    ids = {status.id, post.id}
    folded: str | None = None
    found: list[FilterMatch] = []
    for f in filters:
        words: list[str] | None = None
        if f.keywords:
            if folded is None:
                folded = fold(plain_text(post, descriptions()))
            words = [w for w, whole in f.keywords if keyword_matches(w, whole, folded)]
        hits = sorted(str(i) for i in ids & f.status_ids) if f.status_ids else None
        if words or hits:
            found.append(FilterMatch(f, words if f.keywords else None, hits))
    return found


def apply_filters(
    filters: Sequence[ActiveFilter], views: Sequence[StatusView], viewer_id: int | None,
) -> tuple[list[StatusView], dict[int, list[FilterMatch]]]:
    """The views to show (a ``hide`` match leaves one out) and, by status id, the matches to
    report on those shown. The viewer's own posts are never filtered, as in Mastodon."""
    if not filters:
        return list(views), {}
    kept: list[StatusView] = []
    results: dict[int, list[FilterMatch]] = {}
    for view in views:
        if view.status.account_id == viewer_id:
            kept.append(view)
            continue
        found = match_view(filters, view)
        if any(m.filter.action == "hide" for m in found):
            continue
        kept.append(view)
        if found:
            results[view.status.id] = found
            if view.reblog is not None:
                results[view.reblog.status.id] = found
    return kept, results
