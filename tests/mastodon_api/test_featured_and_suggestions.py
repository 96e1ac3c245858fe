"""Featured tags and follow suggestions through Mastodon.py and httpx against a real server."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from madang import accounts
from madang.db import Database
from tests.mastodon_api.clients import assert_json_error, auth, new_app, register


def test_featured_tags_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "gardener_ft")
    other, _, _ = register(server, app, "visitor_ft")
    me.status_post("#텃밭 상추 수확")
    me.status_post("#텃밭 고추 심기")
    me.status_post("#주말농장 첫날")

    created = me.featured_tag_create("텃밭")
    assert (created.name, int(created.statuses_count)) == ("텃밭", 2)
    assert created.url.endswith("/@gardener_ft/tagged/%ED%85%83%EB%B0%AD")
    raw = httpx.get(f"{server}/api/v1/featured_tags", headers=auth(me.access_token)).json()
    assert raw[0]["last_status_at"] and len(raw[0]["last_status_at"]) == 10  # a day, as Mastodon
    assert [t.name for t in me.featured_tags()] == ["텃밭"]
    assert [t.name for t in me.featured_tag_suggestions()] == ["주말농장"]
    # Anyone sees them on the profile.
    profile = httpx.get(f"{server}/api/v1/accounts/{me.me().id}/featured_tags").json()
    assert [t["name"] for t in profile] == ["텃밭"]
    assert other.featured_tags() == []

    # Bad names and repeats: 422, nothing added.
    for name in ("", "태그 두개", "#텃밭"):
        with pytest.raises(MastodonAPIError) as failed:
            me.featured_tag_create(name)
        assert failed.value.args[1] == 422
    # Someone else's, unknown, non-numeric: 404, nothing removed.
    for fid in (created.id, "999", "abc"):
        assert_json_error(httpx.delete(f"{server}/api/v1/featured_tags/{fid}", headers=auth(other.access_token)),
                          404)
    for aid in ("999", "abc"):
        assert_json_error(httpx.get(f"{server}/api/v1/accounts/{aid}/featured_tags"), 404)
    assert len(me.featured_tags()) == 1

    me.featured_tag_delete(created.id)
    assert me.featured_tags() == []
    with pytest.raises(MastodonNotFoundError):
        me.featured_tag_delete(created.id)


def test_suggestions_with_mastodon_py(server: str, database_url: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "newbie_sg")
    friend, _, _ = register(server, app, "friend_sg")
    cafe, _, _ = register(server, app, "cafe_sg")
    city, _, _ = register(server, app, "cityhall_sg")
    city_id, friend_id, cafe_id = city.me().id, friend.me().id, cafe.me().id

    async def make_official() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                account = await accounts.get_account(s, int(city_id))
                await accounts.set_flags(s, account, organisation=True, verified=True)
        finally:
            await db.dispose()

    asyncio.run(make_official())
    # Following no one: the city's official account.
    [only] = me.suggestions_v2()
    assert (only.account.id, only.sources, only.source) == (city_id, ["featured"], "staff")

    me.account_follow(friend_id)
    friend.account_follow(cafe_id)
    friend.account_follow(city_id)
    v2 = me.suggestions_v2()
    assert [(s.account.id, s.sources) for s in v2] == [(cafe_id, ["friends_of_friends"]),
                                                        (city_id, ["friends_of_friends", "featured"])]
    assert [a.id for a in me.suggestions_v1()] == [cafe_id, city_id]

    me.suggestion_delete(cafe_id)
    assert [a.id for a in me.suggestions_v1()] == [city_id]
    me.account_follow(city_id)
    assert me.suggestions_v2() == []

    token = me.access_token
    for aid in ("999", "abc"):
        assert_json_error(httpx.delete(f"{server}/api/v1/suggestions/{aid}", headers=auth(token)), 404)
    assert_json_error(httpx.get(f"{server}/api/v2/suggestions", params={"limit": "x"}, headers=auth(token)), 400)
    assert_json_error(httpx.get(f"{server}/api/v2/suggestions"), 401)


def test_profile_directory_with_mastodon_py(server: str) -> None:
    """`GET /api/v1/directory`: discoverable accounts, who posted last first (or the newest
    first), without hidden profiles or accounts the viewer muted; bad parameters are 4xx."""
    app = new_app(server)
    quiet, _, _ = register(server, app, "quiet_dir")
    poster, _, _ = register(server, app, "poster_dir")
    hidden, _, _ = register(server, app, "hidden_dir")
    viewer, _, _ = register(server, app, "viewer_dir")
    poster.status_post("디렉터리에 나오려고 글을 씁니다")
    hidden.account_update_credentials(discoverable=False)
    viewer.account_mute(quiet.me().id)

    anonymous = httpx.get(f"{server}/api/v1/directory", params={"local": "true", "limit": 80}).json()
    names = [a["username"] for a in anonymous]
    assert "hidden_dir" not in names and {"quiet_dir", "poster_dir", "viewer_dir"} <= set(names)
    assert names.index("poster_dir") < names.index("quiet_dir")  # active: the one who posted first
    newest = [a.username for a in viewer.directory(order="new", local=True, limit=80)]
    assert "quiet_dir" not in newest  # muted by the viewer
    assert newest.index("viewer_dir") < newest.index("poster_dir")  # signed up later, listed first
    first_two = [a["username"] for a in httpx.get(f"{server}/api/v1/directory",
                                                  params={"order": "new", "limit": 2}).json()]
    assert [a["username"] for a in httpx.get(f"{server}/api/v1/directory",
                                             params={"order": "new", "offset": 1, "limit": 1}).json()] == first_two[1:]
    assert_json_error(httpx.get(f"{server}/api/v1/directory", params={"order": "popular"}), 422)
    assert_json_error(httpx.get(f"{server}/api/v1/directory", params={"offset": "-1"}), 400)
    assert_json_error(httpx.get(f"{server}/api/v1/directory", params={"limit": "many"}), 400)
