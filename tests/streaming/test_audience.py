"""Who gets what: visibility, follows, blocks, mutes and replies decide each stream's events.

A negative case never waits on a clock: a control post is published after it, and streams
keep order, so once the control has arrived anything that was going to arrive has."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from mastodon import Mastodon
from websockets.sync.client import ClientConnection, connect

from tests.streaming.test_websocket import people, receive, send, settle, until, ws_url


@contextmanager
def watching(server: str, api: Mastodon | None, *streams: str) -> Iterator[ClientConnection]:
    query = {"access_token": api.access_token} if api is not None else {}
    with connect(ws_url(server, **query)) as ws:
        for stream in streams:
            name, _, target = stream.partition("#")
            key = "list" if name == "list" else "tag"
            send(ws, type="subscribe", stream=name, **({key: target} if target else {}))
        settle(ws)
        yield ws


def seen_until(ws: ClientConnection, control_id: Any, *streams: str) -> list[tuple[str, str, Any]]:
    """(stream, event, payload) until the control post's update has come on each of
    ``streams`` (the home stream by default)."""
    waiting = set(streams or ["user"])
    out = []
    while waiting:
        m = receive(ws)
        # delete: a bare id; filters_changed: no payload at all.
        payload = json.loads(m["payload"]) if m["event"] not in ("delete", "filters_changed") else m.get("payload")
        name = ":".join(m["stream"])
        out.append((name, m["event"], payload))
        if m["event"] == "update" and payload["id"] == str(control_id):
            waiting.discard(name)
    return out


def updates(seen: list[tuple[str, str, Any]]) -> list[tuple[str, str]]:
    """(stream, status id) of each update."""
    return [(st, p["id"]) for st, e, p in seen if e == "update"]


def update_ids(seen: list[tuple[str, str, Any]]) -> set[str]:
    return {i for _, i in updates(seen)}


def test_followers_only_and_direct_posts_reach_only_their_audience(server: str) -> None:
    author, follower, mentioned, stranger = people(server, 4)
    follower.account_follow(author.me().id)
    with ExitStack() as stack:
        f = stack.enter_context(watching(server, follower, "user", "direct"))
        m = stack.enter_context(watching(server, mentioned, "user", "direct"))
        s = stack.enter_context(watching(server, stranger, "user", "public", "direct"))
        anon = stack.enter_context(watching(server, None, "public", "hashtag#비밀"))
        mention = f"@{mentioned.me().username}"
        private = author.status_post(f"{mention} 팔로워에게만 #비밀", visibility="private")
        direct = author.status_post(f"{mention} 둘만의 이야기 #비밀", visibility="direct")
        control = author.status_post(f"{mention} @{stranger.me().username} 공개 글 #비밀")

        # The follower: the followers-only post, not the direct message to someone else.
        assert updates(seen_until(f, control.id)) == [("user", str(private.id)), ("user", str(control.id))]
        # The mentioned account (not a follower): the direct message on the home stream, its
        # conversation on the direct stream (as Mastodon: no update there), and notifications;
        # the other two posts only as notifications.
        seen = [(":".join(x["stream"]), x["event"], json.loads(x["payload"])) for x in until(
            m, lambda x: x["event"] == "notification" and json.loads(x["payload"])["status"]["id"] == str(control.id))]
        assert updates(seen) == [("user", str(direct.id))]
        conversations = [(st, p["last_status"]["id"]) for st, e, p in seen if e == "conversation"]
        if not conversations:  # the conversation comes from a job: it may trail the control post
            message = until(m, lambda x: x["event"] == "conversation")[-1]
            conversations = [(":".join(message["stream"]), json.loads(message["payload"])["last_status"]["id"])]
        assert conversations == [("direct", str(direct.id))]
        noted = [p["status"]["id"] for _, e, p in seen if e == "notification"]
        assert noted == [str(private.id), str(direct.id), str(control.id)]
        # Everyone else: the public post only.
        assert updates(seen_until(s, control.id, "public")) == [("public", str(control.id))]
        assert sorted(updates(seen_until(anon, control.id, "public", "hashtag:비밀"))) == [
            ("hashtag:비밀", str(control.id)), ("public", str(control.id))]


def test_mutes_and_blocks_keep_posts_off_every_stream(server: str) -> None:
    viewer, muted, blocked, blocker, friend = people(server, 5)
    for other in (muted, blocked, blocker, friend):
        viewer.account_follow(other.me().id)
    viewer.account_mute(muted.me().id)
    viewer.account_block(blocked.me().id)
    blocker.account_block(viewer.me().id)
    with watching(server, viewer, "user", "public", "hashtag#안양") as ws, \
            watching(server, None, "public") as anon:
        hidden = {str(who.status_post(f"#안양 {name}의 글").id) for name, who in
                  (("뮤트", muted), ("차단", blocked), ("차단한 사람", blocker))}
        control = friend.status_post("#안양 친구의 글")
        seen = seen_until(ws, control.id, "user", "public", "hashtag:안양")
        assert not hidden & update_ids(seen)
        assert sorted(updates(seen)) == sorted([("user", str(control.id)), ("public", str(control.id)),
                                                ("hashtag:안양", str(control.id))])
        # Others still see them all.
        assert hidden <= update_ids(seen_until(anon, control.id, "public"))

        viewer.account_unmute(muted.me().id)
        back = muted.status_post("뮤트가 풀린 뒤의 글")
        assert sorted(updates(seen_until(ws, back.id, "public", "user"))) == [("public", str(back.id)), ("user", str(back.id))]


def test_replies_and_boosts_follow_the_home_timeline_rules(server: str) -> None:
    viewer, author, stranger, booster = people(server, 4)
    viewer.account_follow(author.me().id)
    viewer.account_follow(booster.me().id)
    with watching(server, viewer, "user") as ws:
        root = stranger.status_post("모르는 사람의 글")
        author.status_post("모르는 사람에게 답글", in_reply_to_id=root.id)  # viewer does not follow them
        own_thread = author.status_post("첫 글")
        self_reply = author.status_post("이어지는 글", in_reply_to_id=own_thread.id)
        control = author.status_post("통제 글")
        assert [i for _, i in updates(seen_until(ws, control.id))] == [str(own_thread.id), str(self_reply.id), str(control.id)]

        boost = booster.status_reblog(root.id)
        wrapper = json.loads(until(ws, lambda m: m["event"] == "update")[-1]["payload"])
        assert wrapper["id"] == str(boost.id) and wrapper["reblog"]["id"] == str(root.id)
        assert wrapper["account"]["id"] == str(booster.me().id) and wrapper["reblogged"] is False

        # A boost of a muted account's post stays away, as on the home timeline.
        viewer.account_mute(stranger.me().id)
        other_root = stranger.status_post("뮤트된 사람의 다른 글")
        booster.status_reblog(other_root.id)
        control = author.status_post("두 번째 통제 글")
        assert [i for _, i in updates(seen_until(ws, control.id))] == [str(control.id)]


def test_edits_carry_each_viewers_own_marks(server: str) -> None:
    author, fan, other = people(server, 3)
    fan.account_follow(author.me().id)
    other.account_follow(author.me().id)
    post = author.status_post("수정 전")
    fan.status_favourite(post.id)
    fan.status_bookmark(post.id)
    with watching(server, fan, "user") as f, watching(server, other, "user") as o, \
            watching(server, None, "public") as anon:
        author.status_update(post.id, "수정 후")
        got = {name: receive(ws) for name, ws in (("fan", f), ("other", o), ("anon", anon))}
        for message in got.values():
            assert message["event"] == "status.update"
        fan_view, other_view, anon_view = (json.loads(got[k]["payload"]) for k in ("fan", "other", "anon"))
        assert "수정 후" in fan_view["content"] and fan_view["edited_at"]
        assert fan_view["favourited"] is True and fan_view["bookmarked"] is True
        assert fan_view["favourites_count"] == 1
        assert other_view["favourited"] is False and other_view["bookmarked"] is False
        assert "favourited" not in anon_view


def test_list_streams_carry_what_the_list_timeline_shows(server: str) -> None:
    owner, member, outsider = people(server, 3)
    owner.account_follow(member.me().id)
    owner.account_follow(outsider.me().id)
    neighbours = owner.list_create("동네 이웃")
    owner.list_accounts_add(neighbours.id, [member.me().id])
    with watching(server, owner, f"list#{neighbours.id}") as ws:
        outsider.status_post("목록 밖 사람의 글")
        inside = member.status_post("목록 안 사람의 글")
        message = receive(ws)
        assert message["stream"] == ["list", str(neighbours.id)] and message["event"] == "update"
        assert json.loads(message["payload"])["id"] == str(inside.id)
        member.status_delete(inside.id)
        assert receive(ws) == {"stream": ["list", str(neighbours.id)], "event": "delete", "payload": str(inside.id)}
    # Someone else's list is not found, as Mastodon answers.
    with watching(server, outsider) as ws:
        send(ws, type="subscribe", stream="list", list=str(neighbours.id))
        assert receive(ws) == {"error": "List not found", "status": 404}
