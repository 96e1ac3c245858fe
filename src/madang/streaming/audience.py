"""Which of a connection's streams receive a status event: Mastodon's fan-out rules, with
visibility, blocks and mutes applied as the timelines apply them when read."""

from __future__ import annotations

from madang.events.topics import DELETED
from madang.streaming.facts import StatusFacts
from madang.streaming.relations import Relations
from madang.streaming.streams import HASHTAG, PUBLIC, Stream


def _hidden(viewer: int, facts: StatusFacts, rel: Relations, kind: str) -> bool:
    """Blocked either way with the author (or the boosted author), muting either, or either
    on a server the viewer blocked: not shown. Deletions are only ids, and a client may hold the post from before the
    block or mute, so they pass."""
    if kind == DELETED:
        return False
    others = {facts.status.account_id, facts.post.account_id} - {viewer}
    return bool(others & rel.blocked.get(viewer, set()) or others & rel.muted.get(viewer, set())
                or others & rel.domain_blocked.get(viewer, set()))


def _home(viewer: int, facts: StatusFacts, rel: Relations) -> bool:
    """As timelines.fan_out puts posts in home feeds (plus one's own, at once)."""
    status, post = facts.status, facts.post
    if viewer == status.account_id:
        return True
    following = rel.following.get(viewer, set())
    if facts.is_boost:
        return (status.account_id in rel.boosts_from.get(viewer, set()) and viewer != post.account_id
                and post.visibility in ("public", "unlisted"))
    if post.visibility == "direct":
        return viewer in facts.mention_ids
    if post.account_id not in following:
        # A followed hashtag brings public posts (statuses.delivery); blocks and mutes are
        # checked by ``_hidden`` before this.
        return post.visibility == "public" and viewer in rel.tag_followers
    replied_to = post.in_reply_to_account_id
    if replied_to not in (None, post.account_id):
        # A reply reaches those who follow both sides (or are the one replied to).
        return viewer == replied_to or replied_to in following
    return True


def _public(stream: Stream, facts: StatusFacts) -> bool:
    post = facts.post
    if facts.is_boost or post.visibility != "public":
        return False
    if stream.name.endswith(":local") and not post.local:
        return False
    if stream.name.endswith(":remote") and post.local:
        return False
    if stream.name in HASHTAG:
        return stream.tag_key in facts.tag_keys
    # Public timelines leave out replies to others, as Mastodon's do.
    return post.in_reply_to_account_id in (None, post.account_id)


def receives(stream: Stream, viewer: int | None, facts: StatusFacts, rel: Relations, kind: str,
             lists: frozenset[str] = frozenset()) -> bool:
    """``lists``: ids of the lists whose timeline shows the post (lists.list_ids_showing)."""
    if viewer is not None and _hidden(viewer, facts, rel, kind):
        return False
    if stream.name in PUBLIC or stream.name in HASHTAG:
        return _public(stream, facts)
    if viewer is None:
        return False
    if stream.name == "user":
        return _home(viewer, facts, rel)
    if stream.name == "direct":
        # As Mastodon (since 2.6): a direct post reaches the direct stream as a `conversation`
        # event (conversations.updating); only its deletion comes as a status event.
        post = facts.post
        return (kind == DELETED and not facts.is_boost and post.visibility == "direct"
                and (viewer == post.account_id or viewer in facts.mention_ids))
    if stream.name == "list":
        return stream.list_id in lists
    return False  # user:notification carries notifications only


def might_receive(stream: Stream, event: dict) -> bool:
    """A cheap test before any query: could this stream get this event at all?"""
    if stream.name in PUBLIC or stream.name in HASHTAG:
        return event.get("visibility") == "public" and event.get("reblog_of_id") is None
    if stream.name == "direct":
        return event.get("visibility") == "direct" and event.get("kind") == DELETED
    if stream.name == "list":
        return event.get("visibility") != "direct"
    return stream.name == "user"
