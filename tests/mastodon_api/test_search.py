"""Search in Korean through Mastodon.py's search_v2 and account_search against a real server
(SQLite and PostgreSQL): statuses, people, hashtags, opting out, blocks, and bad input."""

from __future__ import annotations

import httpx
from mastodon import MastodonAPIError

from tests.mastodon_api.clients import assert_json_error, auth, new_app, register


def _ids(items: list) -> list[str]:
    return [str(item["id"]) for item in items]


def test_korean_search_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    alice, alice_name, _ = register(server, app)
    bob, _, _ = register(server, app)
    alice.account_update_credentials(display_name="안양 시민 김민수")
    city_hall = alice.status_post("안양시청에서 민원 상담 받았어요")
    meeting = alice.status_post("오늘 안양에서 친구 만남")
    park = alice.status_post("안양 중앙공원 산책 #안양맛집")
    football = alice.status_post("평촌 여자축구부 훈련 공지")
    concert = alice.status_post("BTS콘서트 티켓팅 성공")
    repair = alice.status_post("iPhone 수리 맡겼어요")
    alice.status_post("고양시 행정복지센터")

    found = bob.search_v2("안양", result_type="statuses")
    assert _ids(found.statuses) == _ids([park, meeting, city_hall])  # newest first
    assert found.statuses[0].content.startswith("<p>안양 중앙공원")
    # The exact words first, then the others newest first (decision 0061).
    assert _ids(bob.search_v2("안양에서", result_type="statuses").statuses) == _ids([meeting, park, city_hall])
    assert _ids(bob.search_v2("축구부").statuses) == _ids([football])
    assert _ids(bob.search_v2("bts 콘서트").statuses) == _ids([concert])
    assert _ids(bob.search_v2("IPHONE 수리").statuses) == _ids([repair])

    everything = bob.search_v2("안양")
    assert [a.acct for a in everything.accounts] == [alice_name]  # the display name, by a part of it
    assert [t.name for t in everything.hashtags] == ["안양맛집"]
    assert everything.hashtags[0].url.endswith("/tags/%EC%95%88%EC%96%91%EB%A7%9B%EC%A7%91")
    assert _ids(bob.search_v2("#안양맛", result_type="hashtags").hashtags) != []
    assert bob.search_v2("#안양", result_type="accounts").accounts == []  # `#…` looks for tags only

    assert [a.acct for a in bob.account_search("민수")] == [alice_name]
    assert [a.acct for a in bob.search_v2("김민수", result_type="accounts").accounts] == [alice_name]

    first = bob.search_v2("안양", result_type="statuses", limit=2)
    rest = bob.search_v2("안양", result_type="statuses", limit=2, offset=2)
    assert _ids(first.statuses + rest.statuses) == _ids([park, meeting, city_hall])
    older = bob.search_v2("안양", result_type="statuses", max_id=meeting.id)
    assert _ids(older.statuses) == _ids([city_hall])
    mine = bob.search_v2("안양", result_type="statuses", account_id=bob.account_verify_credentials().id)
    assert mine.statuses == []


def test_opting_out_blocks_and_deletion(server: str) -> None:
    app = new_app(server)
    alice, _, _ = register(server, app)
    bob, _, _ = register(server, app)
    post = alice.status_post("범계역 새 카페 열었어요")
    assert alice.account_verify_credentials().indexable is True
    assert _ids(bob.search_v2("범계역").statuses) == _ids([post])

    me = alice.account_update_credentials(indexable=False)
    assert me.indexable is False and alice.account(me.id).indexable is False
    assert bob.search_v2("범계역").statuses == []
    assert _ids(alice.search_v2("범계역").statuses) == _ids([post])  # the author still finds it
    alice.account_update_credentials(indexable=True)
    assert _ids(bob.search_v2("범계역").statuses) == _ids([post])

    bob.account_block(me.id)
    blocked = bob.search_v2("범계역")
    assert blocked.statuses == [] and blocked.accounts == []
    bob.account_unblock(me.id)

    alice.status_delete(post)
    assert bob.search_v2("범계역").statuses == []
    assert alice.search_v2("범계역").statuses == []


def test_anonymous_callers_get_people_and_tags_not_statuses(server: str) -> None:
    app = new_app(server)
    alice, name, _ = register(server, app)
    alice.account_update_credentials(display_name="평촌 주민")
    alice.status_post("평촌 도서관 #평촌도서관")
    answer = httpx.get(f"{server}/api/v2/search", params={"q": "평촌"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["statuses"] == [] and [a["acct"] for a in body["accounts"]] == [name]
    assert [t["name"] for t in body["hashtags"]] == ["평촌도서관"]
    # Mastodon's rules: no paging and no resolving without a user.
    assert "authentication" in assert_json_error(
        httpx.get(f"{server}/api/v2/search", params={"q": "평촌", "offset": "5"}), 401)
    assert "authentication" in assert_json_error(
        httpx.get(f"{server}/api/v2/search", params={"q": "평촌", "resolve": "true"}), 401)


def test_bad_input_gets_mastodon_answers_never_500(server: str) -> None:
    app = new_app(server)
    alice, _, _ = register(server, app)
    alice.status_post("안양 소식")
    token = alice.access_token
    url = f"{server}/api/v2/search"

    def get(**params: str) -> httpx.Response:
        return httpx.get(url, params=params, headers=auth(token))

    assert_json_error(get(), 400)  # q is required
    assert_json_error(get(q="   "), 400)
    assert_json_error(get(q="안양", limit="abc"), 400)
    assert_json_error(get(q="안양", offset="-1"), 400)
    assert_json_error(get(q="안양", offset="x"), 400)
    assert_json_error(get(q="안양", account_id="abc"), 400)
    assert_json_error(get(q="안양", max_id="1e9"), 400)
    bogus = get(q="안양", type="bogus")  # Mastodon: an unknown type finds nothing
    assert bogus.status_code == 200 and bogus.json() == {"accounts": [], "statuses": [], "hashtags": []}
    assert len(get(q="안양", limit="1000").json()["statuses"]) == 1  # clamped, not refused
    for q in ("%", "_", "\\", "'; drop table statuses; --", "안" * 5000, "🙂", "#", "@", "@@@ x", "\u0000안양"):
        answer = get(q=q)
        assert answer.status_code in (200, 400), (q[:20], answer.status_code, answer.text[:200])
        if answer.status_code == 200:
            assert set(answer.json()) == {"accounts", "statuses", "hashtags"}
    try:
        alice.search_v2("안양", result_type="statuses", offset=0, limit=5)
    except MastodonAPIError as exc:  # pragma: no cover - the assertion below says why
        raise AssertionError(f"a plain search failed: {exc}") from exc


def test_search_operators_and_phrases_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    alice, alice_name, _ = register(server, app)
    bob, _, _ = register(server, app)
    festival = alice.status_post("안양 벚꽃 축제 시작했어요")
    poll = alice.status_post("벚꽃 축제 어디가 좋아요?", poll=alice.make_poll(["안양천", "중앙공원"], expires_in=3600))
    reply = alice.status_post("축제 주차는 중앙공원 옆", in_reply_to_id=poll.id)
    others = bob.status_post("벚꽃길 걷다가 축제 소식 들었어요")

    def found(q: str) -> list[str]:
        return _ids(bob.search_v2(q, result_type="statuses").statuses)

    assert found(f"from:{alice_name} 축제") == _ids([reply, poll, festival])
    assert found(f"-from:{alice_name} 축제") == _ids([others])
    assert found("축제 has:poll") == _ids([poll])
    assert found("축제 -is:reply -has:poll") == _ids([others, festival])
    assert found('"벚꽃 축제"') == _ids([poll, festival])  # 벚꽃길 … 축제 is not the phrase
    assert found("“벚꽃 축제” -시작") == _ids([poll])
    assert found("축제 during:2000-01-01") == []
    assert found("축제 from:nobody_here") == []
    # A known operator with a value it cannot take: 422 with Mastodon's error body.
    assert "date" in assert_json_error(httpx.get(
        f"{server}/api/v2/search", params={"q": "축제 before:어제", "type": "statuses"},
        headers=auth(bob.access_token)), 422).lower()
    assert_json_error(httpx.get(f"{server}/api/v2/search", params={"q": "has:everything"},
                                headers=auth(bob.access_token)), 422)
