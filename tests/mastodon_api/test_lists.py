"""Lists through Mastodon.py and httpx against a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.mastodon_api.clients import assert_json_error, auth, new_app, register


def test_lists_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "owner_ml")
    friend, _, _ = register(server, app, "friend_ml")
    other, _, _ = register(server, app, "other_ml")
    stranger, _, _ = register(server, app, "stranger_ml")
    friend_id, other_id, stranger_id = friend.me().id, other.me().id, stranger.me().id
    me.account_follow(friend_id)
    me.account_follow(other_id)

    created = me.list_create("안양 동네 소식")
    assert (created.title, created.replies_policy, created.exclusive) == ("안양 동네 소식", "list", False)
    assert isinstance(created.id, (int, str))
    updated = me.list_update(created.id, "동네 소식", replies_policy="none", exclusive=True)
    assert (updated.title, updated.replies_policy, updated.exclusive) == ("동네 소식", "none", True)
    assert [(x.id, x.title) for x in me.lists()] == [(created.id, "동네 소식")]
    assert me.list(created.id).replies_policy == "none"

    me.list_accounts_add(created.id, [friend_id, other_id])
    assert sorted(a.id for a in me.list_accounts(created.id)) == sorted([friend_id, other_id])
    assert [x.id for x in me.account_lists(friend_id)] == [created.id]
    assert me.account_lists(stranger_id) == []

    # A private post of a member I follow shows; a stranger cannot be added.
    hello = friend.status_post("팔로워 여러분 안녕하세요", visibility="private")
    aside = other.status_post("공개 글")
    elsewhere = stranger.status_post("목록 밖")
    assert [s.id for s in me.timeline_list(created.id)] == [aside.id, hello.id]
    assert elsewhere.id not in [s.id for s in me.timeline_list(created.id)]
    with pytest.raises(MastodonNotFoundError):
        me.list_accounts_add(created.id, [stranger_id])
    assert len(me.list_accounts(created.id)) == 2

    me.list_accounts_delete(created.id, [other_id])
    assert [a.id for a in me.list_accounts(created.id)] == [friend_id]
    assert [s.id for s in me.timeline_list(created.id)] == [hello.id]

    # Unfollowing takes the account off my lists.
    me.account_unfollow(friend_id)
    assert me.list_accounts(created.id) == []
    assert me.account_lists(friend_id) == []

    # Someone else's list is not found, and stays as it was.
    with pytest.raises(MastodonNotFoundError):
        other.list(created.id)
    with pytest.raises(MastodonNotFoundError):
        other.timeline_list(created.id)
    with pytest.raises(MastodonNotFoundError):
        other.list_delete(created.id)
    me.list_delete(created.id)
    assert me.lists() == []
    with pytest.raises(MastodonNotFoundError):
        me.list(created.id)


def test_list_timeline_replies_policy_and_paging(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "owner_rp")
    member, _, _ = register(server, app, "member_rp")
    followed, _, _ = register(server, app, "followed_rp")
    stranger, _, _ = register(server, app, "stranger_rp")
    for who in (member, followed):
        me.account_follow(who.me().id)
    lst = me.list_create("답글 정책", replies_policy="followed")
    me.list_accounts_add(lst.id, [member.me().id])

    q_followed = followed.status_post("질문 있어요")
    q_stranger = stranger.status_post("저도 질문")
    to_followed = member.status_post("@followed_rp 답이에요", in_reply_to_id=q_followed.id)
    to_stranger = member.status_post("@stranger_rp 답이에요", in_reply_to_id=q_stranger.id)
    thread = member.status_post("이어서 씁니다", in_reply_to_id=to_followed.id)

    def shown() -> list:
        return [s.id for s in me.timeline_list(lst.id)]
    assert shown() == [thread.id, to_followed.id]
    me.list_update(lst.id, "답글 정책", replies_policy="none")
    assert shown() == [thread.id]
    me.list_update(lst.id, "답글 정책", replies_policy="list")
    assert shown() == [thread.id]
    assert to_stranger.id not in shown()

    posts = [member.status_post(f"글 {n}") for n in range(5)]
    first = me.timeline_list(lst.id, limit=2)
    assert [s.id for s in first] == [posts[4].id, posts[3].id]
    second = me.fetch_next(first)
    assert [s.id for s in second] == [posts[2].id, posts[1].id]
    with httpx.Client(base_url=server, headers=auth(me.access_token)) as http:
        answer = http.get(f"/api/v1/timelines/list/{lst.id}", params={"limit": 2})
        assert 'rel="next"' in answer.headers["link"] and f"/api/v1/timelines/list/{lst.id}?" in answer.headers["link"]
        members = http.get(f"/api/v1/lists/{lst.id}/accounts", params={"limit": 1})
        assert len(members.json()) == 1 and 'rel="next"' in members.headers["link"]
        assert len(http.get(f"/api/v1/lists/{lst.id}/accounts", params={"limit": 0}).json()) == 1


def test_bad_input_changes_nothing(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "owner_bad")
    intruder, _, _ = register(server, app, "intruder_bad")
    friend, _, _ = register(server, app, "friend_bad")
    friend_id = friend.me().id
    me.account_follow(friend_id)
    intruder.account_follow(friend_id)
    lst = me.list_create("그대로")
    me.list_accounts_add(lst.id, [friend_id])

    def state(api) -> tuple:  # type: ignore[no-untyped-def]
        return ([(x.id, x.title, x.replies_policy, x.exclusive) for x in api.lists()],
                sorted(a.id for a in me.list_accounts(lst.id)))

    before = state(me)
    with httpx.Client(base_url=server, headers=auth(me.access_token)) as http:
        for body in ({"title": ""}, {"title": "   "}, {}, {"title": "가" * 256},
                     {"title": "좋아요", "replies_policy": "everyone"}, {"title": "좋아요", "exclusive": "maybe"},
                     {"title": ["목록"]}):
            assert_json_error(http.post("/api/v1/lists", json=body), 422)
            assert_json_error(http.put(f"/api/v1/lists/{lst.id}", json=body | {"title": body.get("title", "")}), 422)
        for path in ("abc", "999999999", "-1", "１２３", "99999999999999999999999"):
            assert_json_error(http.get(f"/api/v1/lists/{path}"), 404)
            assert_json_error(http.put(f"/api/v1/lists/{path}", json={"title": "x"}), 404)
            assert_json_error(http.delete(f"/api/v1/lists/{path}"), 404)
            assert_json_error(http.get(f"/api/v1/lists/{path}/accounts"), 404)
            assert_json_error(http.post(f"/api/v1/lists/{path}/accounts", json={"account_ids": [friend_id]}), 404)
            assert_json_error(http.get(f"/api/v1/timelines/list/{path}"), 404)
            assert_json_error(http.get(f"/api/v1/accounts/{path}/lists"), 404)
        # Adding: someone I do not follow, an unknown or non-numeric id, a duplicate, nothing.
        intruder_id = intruder.me().id
        for ids in ([intruder_id], [friend_id, intruder_id], ["abc"], ["999999999"]):
            assert_json_error(http.post(f"/api/v1/lists/{lst.id}/accounts", json={"account_ids": ids}), 404)
        message = assert_json_error(http.post(f"/api/v1/lists/{lst.id}/accounts", json={"account_ids": [friend_id]}),
                                    422)
        assert "taken" in message
        assert_json_error(http.post(f"/api/v1/lists/{lst.id}/accounts", json={}), 422)
        assert_json_error(http.get(f"/api/v1/timelines/list/{lst.id}", params={"max_id": "abc"}), 400)
        assert_json_error(http.get(f"/api/v1/lists/{lst.id}/accounts", params={"limit": "abc"}), 400)
    with httpx.Client(base_url=server, headers=auth(intruder.access_token)) as http:
        # Another user's list: 404 for everything, and nothing changes.
        assert_json_error(http.put(f"/api/v1/lists/{lst.id}", json={"title": "가로채기"}), 404)
        assert_json_error(http.delete(f"/api/v1/lists/{lst.id}/accounts", params={"account_ids[]": friend_id}), 404)
        assert_json_error(http.post(f"/api/v1/lists/{lst.id}/accounts", json={"account_ids": [friend_id]}), 404)
        assert_json_error(http.get(f"/api/v1/lists/{lst.id}/accounts"), 404)
        assert_json_error(http.delete(f"/api/v1/lists/{lst.id}"), 404)
        assert http.get(f"/api/v1/accounts/{friend_id}/lists").json() == []
    with httpx.Client(base_url=server) as anonymous:
        assert_json_error(anonymous.get("/api/v1/lists"), 401)
        assert_json_error(anonymous.get(f"/api/v1/timelines/list/{lst.id}"), 401)
    assert state(me) == before
    with pytest.raises(MastodonAPIError):
        me.list_create("")
    assert state(me) == before
