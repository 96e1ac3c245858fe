"""A status as the pages show it (a card), from the domain's StatusView."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.filters import apply_filters, filters_for, match_view
from madang.media.storage import URL_PREFIX
from madang.models import Status
from madang.statuses.polls import PollView, is_expired
from madang.statuses.views import StatusView, load_status_views
from madang.web.views.accounts import account_card
from madang.web.views.emoji import emojify_html, emojify_text

# Post HTML is rendered by madang itself from plain text, but it is cleaned again here so a
# page can never carry markup the renderer did not mean (and remote HTML, later, is safe).
_TAGS = {"p", "br", "a", "span"}
_ATTRIBUTES = {"a": {"href", "class", "rel", "translate"}, "span": {"class", "translate"}}


_CLEANED: dict[str, Markup] = {}
_CLEANED_MAX = 5000


def safe_html(html: str) -> Markup:
    """Cleaned once per distinct HTML (a timeline shows the same posts to many readers)."""
    cleaned = _CLEANED.get(html)
    if cleaned is None:
        if len(_CLEANED) >= _CLEANED_MAX:
            _CLEANED.clear()  # crude, but bounded; refilling costs one clean per post
        cleaned = _CLEANED[html] = Markup(nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None))
    return cleaned


def _media(view: StatusView) -> list[dict[str, Any]]:
    return [{
        "id": m.id, "url": URL_PREFIX + m.file_key if m.file_key else (m.remote_url or ""),
        "preview_url": URL_PREFIX + m.small_key if m.small_key else (m.remote_url or ""),
        "description": m.description or "", "width": m.small_width, "height": m.small_height,
    } for m in view.media]


def poll_card(poll: PollView | None) -> dict[str, Any] | None:
    """A poll as its viewer sees it: results once they voted, once it ended, or to its
    author; counts hidden until the end when the author asked for that."""
    if poll is None:
        return None
    expired = is_expired(poll, utcnow())
    own = poll.own_votes or []
    voted = bool(own)
    is_author = poll.viewer_id is not None and poll.viewer_id == poll.account_id
    # On a multiple-choice poll a voter may pick several: shares are of the voters.
    total = (poll.voters_count if poll.multiple else poll.votes_count) or 0
    options = [{"index": i, "title": title, "votes": votes, "mine": i in own,
                "percent": round(100 * votes / total) if total else 0} for i, (title, votes) in enumerate(poll.options)]
    return {
        "id": poll.id, "multiple": poll.multiple, "expires_at": poll.expires_at, "expired": expired,
        "voted": voted, "is_author": is_author, "votes_count": poll.votes_count, "voters_count": poll.voters_count,
        "show_results": voted or expired or is_author,
        "show_counts": not poll.hide_totals or expired,
        "can_vote": poll.viewer_id is not None and not expired and not voted and not is_author,
        "options": options,
    }


def status_card(view: StatusView, *, filtered: str | None = None) -> dict[str, Any]:
    """A boost's card is its original's, with who boosted it."""
    shown = view.reblog or view
    s = shown.status
    author = account_card(shown.account)
    if shown.account_emojis:
        author["name_html"] = emojify_text(author["name"], shown.account_emojis)
    return {
        "id": s.id,
        "url": f"{author['url']}/{s.id}",
        "author": author,
        "boosted_by": account_card(view.account) if view.reblog else None,
        "boost_id": view.status.id if view.reblog else None,
        "content": emojify_html(safe_html(s.content), shown.emojis),
        "text": s.text,
        "spoiler_text": s.spoiler_text,
        "spoiler_html": emojify_text(s.spoiler_text, shown.emojis),
        "sensitive": s.sensitive,
        "language": s.language or "ko",
        "visibility": s.visibility,
        "created_at": s.created_at,
        "edited_at": s.edited_at,
        "in_reply_to_id": s.in_reply_to_id,
        "replies_count": s.replies_count,
        "reblogs_count": s.reblogs_count,
        "favourites_count": s.favourites_count,
        "favourited": bool(shown.favourited),
        "reblogged": bool(shown.reblogged),
        "bookmarked": bool(shown.bookmarked),
        "pinned": bool(shown.pinned),
        "media": _media(shown),
        "tags": [t.name for t in shown.tags],
        "filtered": filtered,
        "poll": poll_card(shown.poll),
    }


async def status_cards(session: AsyncSession, statuses: Sequence[Status], viewer_id: int | None,
                       *, context: str | None = None) -> list[dict[str, Any]]:
    """Cards for a page of statuses; the viewer's filters for ``context`` hide or warn."""
    views = await load_status_views(session, statuses, viewer_id)
    warned: dict[int, str] = {}
    if context is not None and viewer_id is not None and views:
        active = await filters_for(session, viewer_id, context)
        if active:
            views, matches = apply_filters(active, views, viewer_id)
            warned = {sid: ", ".join(r.filter.title for r in results) for sid, results in matches.items()}
    return [status_card(v, filtered=warned.get(v.status.id)) for v in views]


async def focused_card(session: AsyncSession, view: StatusView, viewer_id: int | None) -> dict[str, Any]:
    """The post a thread page is about: never left out (the reader asked for it), but folded
    under the names of the thread filters it matches, hide ones too, so they see why."""
    filtered = None
    if viewer_id is not None and view.status.account_id != viewer_id:
        active = await filters_for(session, viewer_id, "thread")
        if active:
            filtered = ", ".join(m.filter.title for m in match_view(active, view)) or None
    return status_card(view, filtered=filtered)
