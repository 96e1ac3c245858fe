"""Security regressions of the citizen web pages (issue 13): another person cannot edit your
post through the web form, answer your follow requests, vote twice, or read your direct
messages in the direct-message view. One server (SQLite) for the module."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.social import account_id, api, eventually, follow, person, post


@pytest.fixture(scope="module")
def base(sqlite_template, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import shutil

    path = tmp_path_factory.mktemp("webcitizen") / "db.sqlite3"
    shutil.copyfile(sqlite_template, path)
    with running_server(f"sqlite+aiosqlite:///{path}", media_path=path.parent / "media") as url:
        yield url


@pytest.fixture(scope="module")
def people(base: str) -> dict[str, WebClient]:
    return {name: person(base, name) for name in ("owner", "other", "third")}


def test_another_person_cannot_edit_your_post_through_the_web_form(people: dict[str, WebClient]) -> None:
    owner, other = people["owner"], people["other"]
    sid = post(owner, "원래 글")
    assert other.get(f"/statuses/{sid}/edit").status_code == 403
    refused = other.post(f"/statuses/{sid}/edit", {"status": "바꿔치기", "next": "/home"})
    assert refused.status_code == 403
    secret = post(owner, "팔로워에게만", visibility="private")
    assert other.post(f"/statuses/{secret}/edit", {"status": "바꿔치기", "next": "/home"}).status_code == 404
    assert other.get(f"/statuses/{secret}/history").status_code == 404
    with api(owner) as client:
        assert client.get(f"/api/v1/statuses/{sid}").json()["content"] == "<p>원래 글</p>"
        assert client.get(f"/api/v1/statuses/{sid}").json()["edited_at"] is None
    # Without the CSRF token the owner's own form is refused too.
    assert owner.post(f"/statuses/{sid}/edit", {"status": "x", "csrf_token": ""}, csrf=False).status_code == 403


def test_another_person_cannot_answer_your_follow_requests(people: dict[str, WebClient]) -> None:
    owner, other, third = people["owner"], people["other"], people["third"]
    with api(owner) as client:
        assert client.patch("/api/v1/accounts/update_credentials", data={"locked": "true"}).status_code == 200
    follow(third, "owner")
    third_id = account_id(owner, "third")
    # `other` has no request from `third`: approving or rejecting finds nothing, and owner's stays.
    assert other.post(f"/follow_requests/{third_id}/authorize", {"next": "/home"}).status_code == 404
    assert other.post(f"/follow_requests/{third_id}/reject", {"next": "/home"}).status_code == 404
    assert "@third" not in other.get("/follow_requests").text
    assert "@third" in owner.get("/follow_requests").text
    with api(third) as client:
        rel = client.get("/api/v1/accounts/relationships", params={"id[]": account_id(third, "owner")}).json()[0]
        assert rel["requested"] is True and rel["following"] is False
    # A cross-site form (no CSRF token) cannot approve either.
    assert owner.post(f"/follow_requests/{third_id}/authorize", {"csrf_token": ""}, csrf=False).status_code == 403
    assert "@third" in owner.get("/follow_requests").text


def test_nobody_votes_twice_or_in_their_own_poll(people: dict[str, WebClient]) -> None:
    owner, other = people["owner"], people["other"]
    answer = owner.post("/statuses", {"status": "투표해 주세요", "visibility": "public", "poll_option_0": "가",
                                      "poll_option_1": "나", "poll_expires_in": "3600"})
    assert answer.status_code == 303
    with api(owner) as client:
        me = client.get("/api/v1/accounts/verify_credentials").json()["id"]
        status = client.get(f"/api/v1/accounts/{me}/statuses", params={"limit": 1}).json()[0]
    poll_id = status["poll"]["id"]
    assert other.post(f"/polls/{poll_id}/votes", {"choices": "0"}).status_code == 303
    assert other.post(f"/polls/{poll_id}/votes", {"choices": "1"}).status_code == 400
    assert other.post(f"/polls/{poll_id}/votes", {"choices": ["0", "1"]}).status_code == 400
    assert owner.post(f"/polls/{poll_id}/votes", {"choices": "0"}).status_code == 400
    assert other.post(f"/polls/{poll_id}/votes", {"choices": "9"}).status_code == 400
    assert other.post(f"/polls/{poll_id}/votes", {"choices": "-1"}).status_code == 400
    with api(owner) as client:
        poll = client.get(f"/api/v1/polls/{poll_id}").json()
    assert poll["votes_count"] == 1 and poll["voters_count"] == 1


def test_direct_messages_are_only_in_their_participants_view(people: dict[str, WebClient]) -> None:
    owner, other, third = people["owner"], people["other"], people["third"]
    dm = post(owner, "@other 비밀 이야기", visibility="direct")
    eventually(lambda: f'id="status-{dm}"' in other.get("/conversations").text)
    assert f'id="status-{dm}"' in owner.get("/conversations").text
    page = third.get("/conversations").text
    assert f'id="status-{dm}"' not in page and "비밀 이야기" not in page
    assert third.get(f"/statuses/{dm}/history").status_code == 404
    assert "비밀 이야기" not in WebClient(owner.base).get(f"/statuses/{dm}/history").text
    conversation = re.search(r'id="conversation-(\d+)"', other.get("/conversations").text)
    assert conversation is not None
