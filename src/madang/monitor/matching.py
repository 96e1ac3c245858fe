"""Why a post belongs on an office's monitor: it mentions the organisation, replies to it, carries
a watched hashtag, or contains a watched keyword."""

from __future__ import annotations

from madang.models import Status
from madang.monitor.watches import Rules, keyword_key

MENTION, REPLY, HASHTAG, KEYWORD = "mention", "reply", "hashtag", "keyword"
# What a passer-by could read: followers-only and direct posts reach the monitor only when they
# are addressed to the organisation itself.
OPEN_VISIBILITIES = ("public", "unlisted")


def reasons(rules: Rules, post: Status, mention_ids: frozenset[int], tag_keys: frozenset[str]) -> list[str]:
    """The reasons, in a fixed order; empty when the post is not for this monitor."""
    org = rules.organisation_id
    if post.account_id == org or post.deleted_at is not None or post.reblog_of_id is not None:
        return []
    found = []
    if org in mention_ids:
        found.append(MENTION)
    if post.in_reply_to_account_id == org and (org in mention_ids or post.visibility in OPEN_VISIBILITIES):
        found.append(REPLY)
    if post.visibility in OPEN_VISIBILITIES:
        if rules.tags & tag_keys:
            found.append(HASHTAG)
        if rules.keywords:
            text = keyword_key(f"{post.spoiler_text} {post.text}")
            if any(k in text for k in rules.keywords):
                found.append(KEYWORD)
    return found
