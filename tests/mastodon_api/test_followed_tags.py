"""Followed hashtags through Mastodon.py against a real server (SQLite and PostgreSQL): a
followed tag's new public posts come into home, as on Mastodon, and nothing else does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.mastodon_api.clients import auth, eventually, new_app, register
from tests.support.server import running_server


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url


def _home_ids(api) -> set:  # type: ignore[no-untyped-def]
    return {s.id for s in api.timeline_home(limit=40)}


def test_a_followed_tag_brings_new_public_posts_into_home(server: str) -> None:
    app = new_app(server)
    reader, _, _ = register(server, app)
    writer, _, _ = register(server, app)
    blocked, _, _ = register(server, app)
    muted, _, _ = register(server, app)
    friend, _, _ = register(server, app)
    before = writer.status_post("팔로우 전의 글 #안양천")

    tag = reader.tag_follow("안양천")
    assert tag.name == "안양천" and tag.following is True
    assert reader.tag("안양천").following is True
    assert [t.name for t in reader.followed_tags()] == ["안양천"]
    reader.account_block(blocked.me().id)
    reader.account_mute(muted.me().id)
    reader.account_follow(friend.me().id)

    public = writer.status_post("벚꽃이 피었어요 #안양천")
    other_case = writer.status_post("밤 산책 #ANYANGCHEON #안양천")
    private = writer.status_post("팔로워에게만 #안양천", visibility="private")
    unlisted = writer.status_post("조용히 #안양천", visibility="unlisted")
    direct = writer.status_post("비밀 #안양천", visibility="direct")
    from_blocked = blocked.status_post("차단된 사람의 글 #안양천")
    from_muted = muted.status_post("뮤트한 사람의 글 #안양천")
    from_friend = friend.status_post("친구의 글 #안양천")
    untagged = writer.status_post("태그 없는 글")
    marker = friend.status_post("마지막 글")

    home = eventually(lambda: (lambda ids: ids if marker.id in ids else None)(_home_ids(reader)))
    assert public.id in home and other_case.id in home and from_friend.id in home
    for unseen in (before, private, unlisted, direct, from_blocked, from_muted, untagged):
        assert unseen.id not in home
    listed = [s.id for s in reader.timeline_home(limit=40)]
    assert listed.count(from_friend.id) == 1  # followed author and followed tag: once

    # Unfollowing takes the tag's posts out of home, but not those of people one follows.
    assert reader.tag_unfollow("안양천").following is False
    assert reader.followed_tags() == []
    home = _home_ids(reader)
    assert public.id not in home and other_case.id not in home and from_friend.id in home
    later = writer.status_post("언팔로우 뒤의 글 #안양천")
    eventually(lambda: later.id in {s.id for s in writer.timeline_home(limit=5)})
    assert later.id not in _home_ids(reader)


def test_followed_tags_through_the_fan_out_job(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An author with a large audience posts through the fan-out job: tag followers get it too."""
    import madang.statuses.create as create

    monkeypatch.setattr(create, "INLINE_FOLLOWERS", -1)
    app = new_app(server)
    reader, _, _ = register(server, app)
    writer, _, _ = register(server, app)
    reader.tag_follow("평촌")
    post = writer.status_post("평촌 도서관 새 단장 #평촌")
    assert eventually(lambda: post.id in _home_ids(reader))


def test_a_tag_with_a_large_audience_is_delivered_by_a_job(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """More tag followers than a post's own transaction should write: the tag's job delivers."""
    import madang.statuses.delivery as delivery

    monkeypatch.setattr(delivery, "INLINE_FOLLOWERS", 1)
    app = new_app(server)
    writer, _, _ = register(server, app)
    readers = [register(server, app)[0] for _ in range(3)]
    for reader in readers:
        reader.tag_follow("범계")
    post = writer.status_post("범계역 광장 공연 #범계")
    for reader in readers:
        assert eventually(lambda: post.id in _home_ids(reader))


def test_tag_answers_and_paging(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    for name in ("하나", "둘", "셋"):
        api.tag_follow(name)
    api.tag_follow("둘")  # again: no error, no second row
    first = api.followed_tags(limit=2)
    assert [t.name for t in first] == ["셋", "둘"]
    assert [t.name for t in api.fetch_next(first)] == ["하나"]
    found = api.search_v2("하나", result_type="hashtags").hashtags
    assert [(t.name, t.following) for t in found] == [("하나", True)]
    with httpx.Client(base_url=server) as http:
        assert http.get("/api/v1/tags/하나").json()["following"] is False  # no caller, no following
        assert http.get("/api/v1/tags/하나", headers=auth(api.access_token)).json()["following"] is True
        assert http.get("/api/v1/tags/%20").status_code == 404  # not a hashtag name
        assert http.post("/api/v1/tags/하나/follow").status_code == 401
        assert http.post("/api/v1/tags/!!/follow", headers=auth(api.access_token)).status_code == 404
        unknown = http.post("/api/v1/tags/처음보는태그/unfollow", headers=auth(api.access_token))
        assert unknown.status_code == 200 and unknown.json()["following"] is False
