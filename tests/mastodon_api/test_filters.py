"""Filters v2 and v1 through Mastodon.py and httpx against a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from mastodon import MastodonNotFoundError

from madang.core.clock import Clock, FrozenClock, set_clock

from tests.mastodon_api.clients import assert_json_error, auth, new_app, register


def _home(api) -> dict:  # type: ignore[no-untyped-def]
    return {s.id: s for s in api.timeline_home()}


def test_filters_v2_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "reader_f")
    city, _, _ = register(server, app, "city_f")
    me.account_follow(city.me().id)
    here = city.status_post("안양에서 벚꽃 축제가 열립니다")
    lot = city.status_post("Parking is free today")
    park = city.status_post("Central Park 산책로 공사")
    plain = city.status_post("오늘 날씨 맑음")

    made = me.create_filter_v2("동네 소식", ["home", "public"], "warn", keywords_attributes=[
        {"keyword": "안양", "whole_word": True}, {"keyword": "park", "whole_word": True}])
    assert (made.title, made.context, made.filter_action, made.expires_at) == ("동네 소식", ["home", "public"],
                                                                              "warn", None)
    assert sorted((k.keyword, k.whole_word) for k in made.keywords) == [("park", True), ("안양", True)]
    assert made.statuses == []
    assert [f.id for f in me.filters_v2()] == [made.id]
    assert me.filter_v2(made.id).title == "동네 소식"

    home = _home(me)
    assert [r.keyword_matches for r in home[here.id].filtered] == [["안양"]]
    assert home[here.id].filtered[0].filter.id == made.id
    assert "keywords" not in home[here.id].filtered[0].filter
    assert [r.keyword_matches for r in home[park.id].filtered] == [["park"]]
    assert home[lot.id].filtered == [] and home[plain.id].filtered == []
    public = {s.id: s for s in me.timeline_public()}
    assert public[here.id].filtered[0].keyword_matches == ["안양"]
    assert me.account_statuses(city.me().id)[0].filtered == []  # "account" is not named

    # hide: gone from home, and the page is shorter than asked (the Link header still pages on).
    me.update_filter_v2(made.id, filter_action="hide")
    home = _home(me)
    assert here.id not in home and park.id not in home and {lot.id, plain.id} <= set(home)
    with httpx.Client(base_url=server, headers=auth(me.access_token)) as http:
        answer = http.get("/api/v1/timelines/home", params={"limit": 2})
        assert [s["id"] for s in answer.json()] == [str(plain.id)]  # park was the other one
        assert f"max_id={park.id}" in answer.headers["link"]

    # Keywords as a sub-resource; a keyword removed through keywords_attributes.
    keywords = {k.keyword: k for k in me.filter_keywords_v2(made.id)}
    added = me.add_filter_keyword_v2(made.id, "축제", whole_word=False)
    assert added.keyword == "축제" and added.whole_word is False
    assert len(me.filter_keywords_v2(made.id)) == 3
    changed = me.update_filter_v2(made.id, title="공원", context=["home"], keywords_attributes=[
        {"id": keywords["안양"].id, "_destroy": True}, {"id": added.id, "keyword": "공사"}])
    assert changed.title == "공원" and changed.context == ["home"]
    assert sorted(k.keyword for k in changed.keywords) == ["park", "공사"]
    home = _home(me)
    assert here.id in home and park.id not in home
    me.delete_filter_keyword_v2(keywords["park"].id)
    me.delete_filter_keyword_v2(added.id)
    assert me.filter_keywords_v2(made.id) == []
    assert park.id in _home(me)

    # Statuses as a sub-resource.
    held = me.add_filter_status_v2(made.id, plain.id)
    assert str(held.status_id) == str(plain.id)
    assert [s.id for s in me.filter_statuses_v2(made.id)] == [held.id]
    assert me.filter_status_v2(held.id).id == held.id
    assert plain.id not in _home(me)
    me.delete_filter_status_v2(held.id)
    assert plain.id in _home(me)

    # Private to the owner.
    with pytest.raises(MastodonNotFoundError):
        city.filter_v2(made.id)
    with pytest.raises(MastodonNotFoundError):
        city.delete_filter_v2(made.id)
    with pytest.raises(MastodonNotFoundError):
        city.filter_statuses_v2(made.id)
    assert city.filters_v2() == []

    me.delete_filter_v2(made.id)
    assert me.filters_v2() == []
    with pytest.raises(MastodonNotFoundError):
        me.filter_v2(made.id)


def test_filters_v1_view(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "reader_v1")
    city, _, _ = register(server, app, "city_v1")
    me.account_follow(city.me().id)
    post = city.status_post("축구부 모집합니다")

    old = me.filter_create("축구", ["home", "notifications"], irreversible=False, whole_word=True)
    assert (old.phrase, old.context, old.irreversible, old.whole_word) == ("축구", ["home", "notifications"],
                                                                           False, True)
    assert [f.id for f in me.filters()] == [old.id]
    assert me.filter(old.id).phrase == "축구"
    # The v2 view of the same filter: one keyword, titled by the phrase.
    (v2,) = me.filters_v2()
    assert v2.title == "축구" and [k.id for k in v2.keywords] == [old.id]
    assert _home(me)[post.id].filtered[0].keyword_matches == ["축구"]

    hidden = me.filter_update(old.id, irreversible=True)
    assert hidden.irreversible is True and me.filters_v2()[0].filter_action == "hide"
    assert post.id not in _home(me)
    me.filter_delete(old.id)
    assert me.filters() == [] and me.filters_v2() == []
    assert post.id in _home(me)


def test_thread_and_notifications_contexts(server: str) -> None:
    app = new_app(server)
    me, name, _ = register(server, app, "reader_tn")
    city, _, _ = register(server, app, "city_tn")
    root = me.status_post("질문 있습니다")
    reply = city.status_post(f"@{name} 안양에서 답합니다", in_reply_to_id=root.id)
    me.create_filter_v2("숨김", ["thread", "notifications"], "hide",
                        keywords_attributes=[{"keyword": "안양", "whole_word": True}])
    assert me.status_context(root.id).descendants == []
    assert [n.status.id for n in me.notifications() if n.status] == []
    me.update_filter_v2(me.filters_v2()[0].id, filter_action="warn")
    (shown,) = me.status_context(root.id).descendants
    assert shown.id == reply.id and shown.filtered[0].keyword_matches == ["안양"]
    (note,) = [n for n in me.notifications() if n.status]
    assert note.status.filtered[0].filter.title == "숨김"


def test_bad_input_changes_nothing(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "reader_bad")
    other, _, _ = register(server, app, "other_bad")
    made = me.create_filter_v2("그대로", ["home"], "warn", keywords_attributes=[{"keyword": "안양"}])
    keyword_id = made.keywords[0].id
    theirs = other.create_filter_v2("남의 것", ["home"], "warn", keywords_attributes=[{"keyword": "x"}])
    their_status = other.add_filter_status_v2(theirs.id, other.status_post("글").id)

    def state() -> list:
        return [(f.id, f.title, f.context, f.filter_action, f.expires_at,
                 [(k.id, k.keyword, k.whole_word) for k in f.keywords]) for f in me.filters_v2()]

    before = state()
    with httpx.Client(base_url=server, headers=auth(me.access_token)) as http:
        for body in ({"title": "", "context": ["home"]}, {"title": "x", "context": []}, {"title": "x"},
                     {"title": "x", "context": ["everywhere"]}, {"title": "x", "context": ["home"],
                                                                  "filter_action": "delete"},
                     {"title": "가" * 256, "context": ["home"]}, {"title": ["x"], "context": ["home"]},
                     {"title": "x", "context": ["home"], "expires_in": "soon"},
                     {"title": "x", "context": ["home"], "expires_in": -1},
                     {"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": ""}]},
                     {"title": "x", "context": ["home"], "keywords_attributes": ["안양"]},
                     {"title": "x", "context": [{"a": 1}]}):
            assert_json_error(http.post("/api/v2/filters", json=body), 422)
            if "context" in body:  # an update may leave the context out
                assert_json_error(http.put(f"/api/v2/filters/{made.id}", json=body | {"title": body["title"] or " "}),
                                  422)
        # A keyword that is not this filter's, by id.
        assert_json_error(http.put(f"/api/v2/filters/{made.id}", json={
            "title": "바뀜", "keywords_attributes": [{"id": theirs.keywords[0].id, "keyword": "y"}]}), 404)
        assert_json_error(http.put(f"/api/v2/filters/{made.id}", json={
            "title": "바뀜", "keywords_attributes": [{"id": "abc", "_destroy": True}]}), 404)
        for path in ("abc", "999999999", "-1", "１２３", "99999999999999999999999", str(theirs.id)):
            assert_json_error(http.get(f"/api/v2/filters/{path}"), 404)
            assert_json_error(http.put(f"/api/v2/filters/{path}", json={"title": "x"}), 404)
            assert_json_error(http.delete(f"/api/v2/filters/{path}"), 404)
            assert_json_error(http.get(f"/api/v2/filters/{path}/keywords"), 404)
            assert_json_error(http.post(f"/api/v2/filters/{path}/keywords", json={"keyword": "x"}), 404)
            assert_json_error(http.get(f"/api/v2/filters/{path}/statuses"), 404)
            assert_json_error(http.post(f"/api/v2/filters/{path}/statuses", json={"status_id": "1"}), 404)
            assert_json_error(http.get(f"/api/v1/filters/{path}"), 404)
            assert_json_error(http.put(f"/api/v1/filters/{path}", json={"phrase": "x", "context": ["home"]}), 404)
            assert_json_error(http.delete(f"/api/v1/filters/{path}"), 404)
        for path in ("abc", "999999999", str(theirs.keywords[0].id)):
            assert_json_error(http.get(f"/api/v2/filters/keywords/{path}"), 404)
            assert_json_error(http.put(f"/api/v2/filters/keywords/{path}", json={"keyword": "x"}), 404)
            assert_json_error(http.delete(f"/api/v2/filters/keywords/{path}"), 404)
        for path in ("abc", "999999999", str(their_status.id)):
            assert_json_error(http.get(f"/api/v2/filters/statuses/{path}"), 404)
            assert_json_error(http.delete(f"/api/v2/filters/statuses/{path}"), 404)
        assert_json_error(http.post(f"/api/v2/filters/{made.id}/keywords", json={"keyword": " "}), 422)
        assert_json_error(http.put(f"/api/v2/filters/keywords/{keyword_id}", json={"keyword": ""}), 422)
        assert_json_error(http.put(f"/api/v2/filters/keywords/{keyword_id}", json={"whole_word": "maybe"}), 422)
        assert_json_error(http.post(f"/api/v2/filters/{made.id}/statuses", json={}), 422)
        assert_json_error(http.post(f"/api/v2/filters/{made.id}/statuses", json={"status_id": "abc"}), 404)
        assert_json_error(http.post("/api/v1/filters", json={"phrase": "", "context": ["home"]}), 422)
        assert_json_error(http.post("/api/v1/filters", json={"phrase": "x", "context": ["nowhere"]}), 422)
        # Without a token.
        assert_json_error(httpx.get(f"{server}/api/v2/filters"), 401)
    assert state() == before
    assert [f.id for f in other.filters_v2()] == [theirs.id]


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())


def test_expired_filter_does_not_apply(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "reader_exp")
    city, _, _ = register(server, app, "city_exp")
    me.account_follow(city.me().id)
    post = city.status_post("안양시청 공지")
    made = me.create_filter_v2("한 시간", ["home"], "hide", expires_in=3600,
                               keywords_attributes=[{"keyword": "안양"}])
    assert made.expires_at == datetime(2026, 6, 3, 10, 0, tzinfo=UTC)
    assert post.id not in _home(me)
    frozen.advance(seconds=3601)
    assert post.id in _home(me)
    assert _home(me)[post.id].filtered == []
    # Clients renew an expired filter by giving a new expiry; blank means never.
    me.update_filter_v2(made.id, expires_in=60)
    assert post.id not in _home(me)
    with httpx.Client(base_url=server, headers=auth(me.access_token)) as http:
        assert http.put(f"/api/v2/filters/{made.id}", json={"expires_in": ""}).json()["expires_at"] is None
    frozen.advance(days=400)
    assert post.id not in _home(me)
