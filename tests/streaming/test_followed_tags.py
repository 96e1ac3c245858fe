"""A followed hashtag's public posts reach the follower's home (``user``) stream, as they
reach the home timeline; followers-only posts and blocked authors' posts do not.

A negative case never waits on a clock: a control post comes after it, and streams keep order."""

from __future__ import annotations

from tests.streaming.test_audience import seen_until, update_ids, watching
from tests.streaming.test_websocket import people


def test_a_followed_tags_public_posts_reach_the_user_stream(server: str) -> None:
    reader, writer, blocked = people(server, 3)
    reader.tag_follow("평촌소식")
    reader.account_block(blocked.me().id)
    with watching(server, reader, "user") as ws:
        hidden = {str(writer.status_post("팔로워에게만 #평촌소식", visibility="private").id),
                  str(writer.status_post("태그 없는 글").id),
                  str(blocked.status_post("차단한 사람의 글 #평촌소식").id)}
        shown = writer.status_post("도서관 새 단장 #평촌소식")
        seen = update_ids(seen_until(ws, shown.id))
        assert str(shown.id) in seen and not hidden & seen
