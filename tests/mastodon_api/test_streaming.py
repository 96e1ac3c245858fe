"""Mastodon.py's streaming (server-sent events, found through the instance's streaming URL)
against a real madang server: posts, notifications, edits and deletions arrive live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from mastodon import Mastodon

from tests.mastodon_api.clients import new_app, register
from tests.streaming.clients import Collector, events_until, next_event, text_of
from tests.support.server import running_server


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    # Mastodon.py's handle.close() returns only once its reader wakes: short heartbeats.
    with running_server(database_url, streaming_heartbeat_seconds=0.3) as url:
        yield url


@contextmanager
def streaming(open_stream: Any, *args: Any) -> Iterator[Collector]:
    collector = Collector()
    handle = open_stream(*args, collector, run_async=True, timeout=30)
    try:
        # Mastodon.py connects on its own thread; the server's first line (":)", a comment
        # Mastodon.py counts as a heartbeat) says the stream is open.
        assert collector.greeted.wait(10), "the stream did not open"
        yield collector
    finally:
        handle.close()


def _people(server: str, n: int) -> list[Mastodon]:
    app = new_app(server)
    return [register(server, app)[0] for _ in range(n)]


def test_user_stream_gets_followed_posts_notifications_edits_and_deletions(server: str) -> None:
    reader, author = _people(server, 2)
    author_id = author.me().id
    reader.account_follow(author_id)
    with streaming(reader.stream_user) as stream:
        post = author.status_post("안양천 산책로에 벚꽃이 피었어요")
        kind, status = next_event(stream.events)
        assert kind == "update" and status.id == post.id and "벚꽃" in status.content
        assert status.account.id == author_id and status.visibility == "public"
        assert status.favourited is False and status.reblogged is False

        author.status_update(post.id, "안양천 산책로에 벚꽃이 활짝 피었어요")
        kind, edited = next_event(stream.events)
        assert kind == "status.update" and edited.id == post.id and "활짝" in edited.content
        assert edited.edited_at is not None

        author.status_delete(post.id)
        assert next_event(stream.events) == ("delete", post.id)

        # Someone mentions the reader: the notification arrives on the same stream.
        author.status_post(f"@{reader.me().username} 내일 시청 앞에서 봐요")
        seen = events_until(stream.events, lambda e: e[0] == "notification")
        note = seen[-1][1]
        assert note.type == "mention" and note.account.id == author_id and "시청" in note.status.content


def test_public_and_hashtag_streams_for_signed_in_and_anonymous_readers(server: str) -> None:
    app = new_app(server)
    reader, author = _people(server, 2)
    anonymous = Mastodon(api_base_url=server, client_id=app[0], client_secret=app[1], version_check_mode="none")
    with streaming(reader.stream_public) as public, streaming(anonymous.stream_public) as anon_public, \
            streaming(reader.stream_hashtag, "안양") as tag, streaming(anonymous.stream_hashtag, "안양") as anon_tag:
        unrelated = author.status_post("오늘 점심은 비빔밥")
        tagged = author.status_post("#안양 시민 축제가 열립니다")
        received = {}
        for name, stream in (("signed in", public), ("anonymous", anon_public)):
            first, second = next_event(stream.events), next_event(stream.events)
            assert [first[1].id, second[1].id] == [unrelated.id, tagged.id]
            received[name] = second[1]
        for stream in (tag, anon_tag):
            kind, status = next_event(stream.events)
            assert kind == "update" and status.id == tagged.id and status.tags[0].name == "안양"
        # Signed-in readers get their marks (none yet on a new post); anonymous ones none at all.
        assert received["signed in"].favourited is False and received["signed in"].bookmarked is False
        assert received["anonymous"].favourited is None  # absent from the JSON
        author.status_delete(tagged.id)
        for stream in (public, anon_public, tag, anon_tag):
            assert events_until(stream.events, lambda e: e[0] == "delete")[-1] == ("delete", tagged.id)


def test_unlisted_posts_and_replies_to_others_stay_off_public_streams(server: str) -> None:
    reader, author, other = _people(server, 3)
    with streaming(reader.stream_public) as public:
        author.status_post("조용히 올리는 글", visibility="unlisted")
        first = other.status_post("첫 글")
        author.status_post("답글입니다", in_reply_to_id=first.id)
        control = author.status_post("공개 글")
        seen = events_until(public.events, lambda e: e[0] == "update" and e[1].id == control.id)
        assert [text_of(e) for e in seen] == [first.content, control.content]


def test_notification_stream_carries_notifications_only(server: str) -> None:
    me, fan = _people(server, 2)
    me.account_follow(fan.me().id)  # so the fan's post is on my home stream, not this one
    with streaming(me.stream_user_notifications) as stream:
        mine = me.status_post("제 글에 좋아요를 눌러 주세요")
        fan.status_post("팔로우한 사람의 글은 이 스트림에 오지 않아요")
        fan.status_favourite(mine.id)
        kind, note = next_event(stream.events)
        assert kind == "notification" and note.type == "favourite"
        assert note.account.id == fan.me().id and note.status.id == mine.id
        assert note.status.favourited is False  # marks are the recipient's own


def test_direct_stream_gets_conversations_and_user_stream_filters_changed(server: str) -> None:
    """As Mastodon: a direct post reaches each participant's direct stream as the
    Conversation GET /api/v1/conversations shows; a change to one's filters or keywords
    sends `filters_changed` (no payload) on one's user stream, and nobody else's."""
    alice, bob, carol = _people(server, 3)
    bob_name = bob.me().username
    with streaming(bob.stream_direct) as bob_direct, streaming(alice.stream_direct) as alice_direct, \
            streaming(bob.stream_user) as bob_user, streaming(carol.stream_user) as carol_user:
        message = alice.status_post(f"@{bob_name} 내일 중앙공원에서 만나요", visibility="direct")
        kind, conversation = next_event(bob_direct.events)
        assert kind == "conversation"
        listed = bob.conversations()[0]
        assert conversation.id == listed.id and conversation.unread is True
        assert conversation.last_status.id == message.id and "중앙공원" in conversation.last_status.content
        assert [a.id for a in conversation.accounts] == [a.id for a in listed.accounts] == [alice.me().id]
        kind, own = next_event(alice_direct.events)  # the author's conversation, already read
        assert kind == "conversation" and own.unread is False and own.last_status.id == message.id

        reply = bob.status_post(f"@{alice.me().username} 좋아요!", visibility="direct", in_reply_to_id=message.id)
        kind, moved = next_event(bob_direct.events)
        assert (kind, moved.id, moved.last_status.id, moved.unread) == ("conversation", conversation.id, reply.id, False)

        made = bob.create_filter_v2("축제 스포일러", ["home"], "warn", keywords_attributes=[{"keyword": "결말"}])
        changes = [lambda: bob.update_filter_v2(made.id, title="축제 결말"),
                   lambda: bob.add_filter_keyword_v2(made.id, "범인"),
                   lambda: bob.delete_filter_keyword_v2(bob.filter_keywords_v2(made.id)[0].id),
                   lambda: bob.delete_filter_v2(made.id)]
        seen = events_until(bob_user.events, lambda e: e[0] == "filters_changed")
        for change in changes:
            change()
            seen += events_until(bob_user.events, lambda e: e[0] == "filters_changed")
        assert [e for e in seen if e[0] == "filters_changed"] == [("filters_changed", None)] * 5
        # Carol changed nothing: her stream's first event is her own post, not a filters_changed.
        carol.status_post("오늘 날씨 좋네요")
        assert next_event(carol_user.events)[0] == "update"
        assert bob_direct.events.empty()  # no update events on the direct stream
