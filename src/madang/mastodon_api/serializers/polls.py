"""Poll as Mastodon sends it, for one viewer at this moment."""

from __future__ import annotations

from typing import Any

from madang.core.clock import utcnow
from madang.mastodon_api.serializers.formats import ts
from madang.media.custom_emojis import EmojiRef, shortcodes_in
from madang.statuses.polls import PollView, is_expired


def poll_json(p: PollView, emojis: tuple[EmojiRef, ...] = (), base_url: str = "") -> dict[str, Any]:
    """``emojis``: the status's custom emoji; the poll lists those its options use."""
    expired = is_expired(p, utcnow())
    # Hidden totals stay hidden from everyone but the author until the poll ends.
    show_totals = expired or not p.hide_totals or p.viewer_id == p.account_id
    data: dict[str, Any] = {
        "id": str(p.id),
        "expires_at": ts(p.expires_at),
        "expired": expired,
        "multiple": p.multiple,
        "votes_count": p.votes_count,
        "voters_count": p.voters_count,
        "options": [{"title": title, "votes_count": votes if show_totals else None} for title, votes in p.options],
        "emojis": _option_emojis(p, emojis, base_url) if emojis else [],
    }
    if p.own_votes is not None:  # only with a user token, as Mastodon
        # The author counts as having voted in their own poll.
        data["voted"] = bool(p.own_votes) or p.viewer_id == p.account_id
        data["own_votes"] = list(p.own_votes)
    return data


def _option_emojis(p: PollView, emojis: tuple[EmojiRef, ...], base_url: str) -> list[dict[str, Any]]:
    from madang.mastodon_api.serializers.accounts import emoji_json

    used = set(shortcodes_in(*(title for title, _votes in p.options)))
    return [emoji_json(e, base_url) for e in emojis if e.shortcode in used]
