"""Filters on live streams: which readers of a new post must not get it, and which get it
with a warning. The streaming hub calls ``live_verdicts`` once per event for all its readers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from madang.filters.active import filters_for_many
from madang.filters.apply import FilterMatch, match_status
from madang.media import load_media_for_statuses
from madang.models import Status

# Mastodon's streams and the filter context each one is: home for the user's and list
# streams, public for the public and hashtag ones. Others (direct) are never filtered.
STREAM_CONTEXTS = {
    "user": "home", "list": "home", "public": "public", "public:local": "public", "public:remote": "public",
    "hashtag": "public", "hashtag:local": "public",
}


@dataclass(frozen=True)
class LiveVerdict:
    hide: bool
    matches: list[FilterMatch]


async def live_verdicts(
    session: AsyncSession, status: Status, post: Status, readers: Iterable[tuple[int | None, str]],
) -> dict[tuple[int, str], LiveVerdict]:
    """For each (reader id, stream name) the readers' filters touch: hide, or warn with the
    matches. Pairs left out of the answer get the post as it is. Readers with no filters cost a
    cache lookup each (their filters are loaded in one batch when not cached)."""
    pairs = {(v, name) for v, name in readers if v is not None and name in STREAM_CONTEXTS
             and v != status.account_id}  # one's own posts are never filtered
    if not pairs:
        return {}
    by_viewer = await filters_for_many(session, {v for v, _ in pairs})
    if not by_viewer:
        return {}
    descriptions: list[str | None] | None = None

    def media() -> list[str | None]:
        return descriptions or []

    if any(f.keywords for fs in by_viewer.values() for f in fs):
        found = await load_media_for_statuses(session, [post.id])
        descriptions = [m.description for m in found.get(post.id, [])]
    out: dict[tuple[int, str], LiveVerdict] = {}
    for viewer, name in pairs:
        context = STREAM_CONTEXTS[name]
        active = [f for f in by_viewer.get(viewer, []) if context in f.contexts]
        if not active:
            continue
        matches = match_status(active, status, post, media)
        if matches:
            out[(viewer, name)] = LiveVerdict(hide=any(m.filter.action == "hide" for m in matches),
                                              matches=matches)
    return out
