"""Mastodon.py, the real client from PyPI, against a real madang server (SQLite and PostgreSQL)."""

from __future__ import annotations

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonIllegalArgumentError, MastodonNotFoundError

from tests.mastodon_api.clients import (
    REDIRECT,
    SCOPES,
    approve_in_browser,
    client,
    eventually,
    new_app,
    pkce_pair,
    register,
)


def test_sign_up_and_log_in_by_password_code_and_pkce(server: str) -> None:
    app = new_app(server)
    api, username, password = register(server, app)
    me = api.account_verify_credentials()
    assert me.username == username and me.acct == username
    assert me.source.privacy == "public" and me.source.language == "ko"
    assert me.avatar.endswith("/avatars/original/missing.png")

    by_password = client(server, app)
    by_password.log_in(username, password, scopes=SCOPES, allow_http=True)
    assert by_password.account_verify_credentials().id == me.id
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        client(server, app).log_in(username, "wrong-password", scopes=SCOPES, allow_http=True)

    by_code = client(server, app)
    url = by_code.auth_request_url(scopes=SCOPES, allow_http=True, state="xyz")
    code = approve_in_browser(url, username, password)
    by_code.log_in(code=code, scopes=SCOPES, allow_http=True)
    assert by_code.account_verify_credentials().id == me.id
    # A code is spent once.
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        client(server, app).log_in(code=code, scopes=SCOPES, allow_http=True)

    verifier, challenge = pkce_pair()
    url = client(server, app).auth_request_url(redirect_uris=REDIRECT, scopes=SCOPES, allow_http=True, state="s1")
    url += f"&code_challenge={challenge}&code_challenge_method=S256"
    code = approve_in_browser(url, me.email if "email" in me else f"{username}@example.org", password)
    token_url = f"{server}/oauth/token"
    wrong = httpx.post(token_url, data={"grant_type": "authorization_code", "code": code, "client_id": app[0],
                                        "client_secret": app[1], "redirect_uri": REDIRECT,
                                        "code_verifier": "not-the-verifier"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    code = approve_in_browser(url, username, password)
    # PKCE clients (Phanpy) send JSON; the secret may also come by HTTP Basic.
    answer = httpx.post(token_url, json={"grant_type": "authorization_code", "code": code,
                                         "redirect_uri": REDIRECT, "code_verifier": verifier},
                        auth=(app[0], app[1]))
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"] == "Bearer" and isinstance(token["created_at"], int)
    pkce = client(server, app, token["access_token"])
    assert pkce.account_verify_credentials().id == me.id
    pkce.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonAPIError):
        client(server, app, token["access_token"]).account_verify_credentials()


def test_post_mention_tag_reply_and_thread(server: str) -> None:
    app = new_app(server)
    city, city_name, _ = register(server, app, "anyanglove")
    citizen, citizen_name, _ = register(server, app)
    city_id = city.me().id

    post = citizen.status_post(f"안녕하세요 #안양 문의@{city_name} 주차장 위치가 궁금해요")
    assert [t.name for t in post.tags] == ["안양"]
    assert [(m.acct, m.username, m.id) for m in post.mentions] == [(city_name, city_name, city_id)]
    assert 'class="u-url mention"' in post.content and 'class="mention hashtag"' in post.content
    assert post.mentions[0].url in post.content
    assert post.language == "ko" and post.visibility == "public"

    reply = city.status_post(f"@{citizen_name}님 시청 민원실 옆 공영주차장입니다.", in_reply_to_id=post.id)
    assert reply.in_reply_to_id == post.id and reply.in_reply_to_account_id == post.account.id
    again = citizen.status_post("감사합니다!", in_reply_to_id=reply.id)

    context = citizen.status_context(again.id)
    assert [s.id for s in context.ancestors] == [post.id, reply.id]
    context = city.status_context(post.id)
    assert [s.id for s in context.descendants] == [reply.id, again.id]
    assert citizen.status(post.id).replies_count == 1

    with pytest.raises(MastodonAPIError) as too_long:
        citizen.status_post("가" * 141)
    assert too_long.value.args[1] == 422
    assert citizen.status_post("가" * 140).content == f"<p>{'가' * 140}</p>"
    long_link = "https://anyang.go.kr/" + "a" * 200
    assert citizen.status_post("가" * 116 + " " + long_link)  # a link counts 23


def test_follow_unlocked_and_locked_accounts(server: str) -> None:
    app = new_app(server)
    alice, _, _ = register(server, app)
    bob, _, _ = register(server, app)
    carol, _, _ = register(server, app)
    carol.account_update_credentials(locked=True)
    bob_id, carol_id, alice_id = bob.me().id, carol.me().id, alice.me().id

    rel = alice.account_follow(bob_id)
    assert rel.following is True and rel.requested is False
    assert bob.account(bob_id).followers_count == 1
    assert [a.id for a in bob.account_followers(bob_id)] == [alice_id]

    rel = alice.account_follow(carol_id)
    assert rel.following is False and rel.requested is True
    assert [a.id for a in carol.follow_requests()] == [alice_id]
    carol.follow_request_authorize(alice_id)
    assert alice.account_relationships([carol_id])[0].following is True
    assert [a.id for a in alice.account_following(alice_id)] == [carol_id, bob_id]

    assert alice.account_unfollow(bob_id).following is False
    assert alice.account_unfollow(carol_id).following is False
    assert alice.account(alice_id).following_count == 0
    assert bob.account(bob_id).followers_count == 0


def test_each_kind_of_notification(server: str) -> None:
    app = new_app(server)
    author, author_name, _ = register(server, app)
    fan, _, _ = register(server, app)
    author_id = author.me().id

    fan.account_follow(author_id, notify=True)
    post = author.status_post("오늘 안양천 벚꽃이 활짝 피었어요 #안양")
    fan_home_post = eventually(lambda: [s for s in fan.timeline_home() if s.id == post.id])
    assert fan_home_post
    fan.status_favourite(post.id)
    boost = fan.status_reblog(post.id)
    assert boost.id != post.id and boost.reblog.id == post.id
    fan.status_post(f"@{author_name} 사진 정말 멋지네요")
    author.status_update(post.id, "오늘 안양천 벚꽃이 활짝 피었어요 #안양 (사진 추가 예정)")
    author.account_update_credentials(locked=True)
    stranger, _, _ = register(server, app)
    stranger.account_follow(author_id)

    author_kinds = eventually(lambda: (lambda k: k if {"follow", "favourite", "reblog", "mention",
                                                       "follow_request"} <= k else None)(
        {n.type for n in author.notifications()}))
    assert author_kinds == {"follow", "favourite", "reblog", "mention", "follow_request"}
    fan_kinds = eventually(lambda: (lambda k: k if {"status", "update"} <= k else None)(
        {n.type for n in fan.notifications()}))
    assert fan_kinds == {"status", "update"}

    notifications = author.notifications()
    one = author.notifications(id=notifications[0].id)
    assert one.id == notifications[0].id and one.account is not None
    only_mentions = author.notifications(types=["mention"])
    assert [n.type for n in only_mentions] == ["mention"] and only_mentions[0].status is not None
    author.notifications_dismiss(notifications[0].id)
    with pytest.raises(MastodonNotFoundError):
        author.notifications(id=notifications[0].id)
    author.notifications_clear()
    assert author.notifications() == []


def test_timelines_page_both_ways_including_a_hangul_tag(server: str) -> None:
    app = new_app(server)
    writer, _, _ = register(server, app)
    reader, _, _ = register(server, app)
    reader.account_follow(writer.me().id)
    posted = [writer.status_post(f"{i}번째 소식 #안양소식") for i in range(7)]
    newest_first = [s.id for s in reversed(posted)]
    eventually(lambda: len(reader.timeline_home(limit=40)) >= 7)

    for fetch in (lambda **kw: reader.timeline_home(**kw),
                  lambda **kw: reader.timeline_public(local=True, **kw),
                  lambda **kw: Mastodon(api_base_url=server, version_check_mode="none").timeline_hashtag("안양소식", **kw)):
        first = fetch(limit=3)
        assert [s.id for s in first] == newest_first[:3]
        second = reader.fetch_next(first)
        assert [s.id for s in second] == newest_first[3:6]
        third = reader.fetch_next(second)
        assert [s.id for s in third] == newest_first[6:]
        assert reader.fetch_next(third) is None  # no `next` on a short page
        back = reader.fetch_previous(third)
        assert [s.id for s in back] == newest_first[3:6]  # min_id: the page just above, newest first
        assert [s.id for s in fetch(since_id=newest_first[2])] == newest_first[:2]


def test_edit_history_and_delete(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    post = api.status_post("안양 시민 축제는 토요일입니다")
    edited = api.status_update(post.id, "안양 시민 축제는 일요일입니다 #안양")
    assert edited.edited_at is not None and [t.name for t in edited.tags] == ["안양"]
    history = api.status_history(post.id)
    assert [h.content for h in history] == ["<p>안양 시민 축제는 토요일입니다</p>", edited.content]
    assert api.status_source(post.id).text == "안양 시민 축제는 일요일입니다 #안양"

    deleted = api.status_delete(post.id)
    assert deleted.text == "안양 시민 축제는 일요일입니다 #안양"
    with pytest.raises(MastodonNotFoundError):
        api.status(post.id)
    assert api.me().statuses_count == 0
