"""Editing a post's photos and poll through Mastodon.py, against a real server (SQLite and
PostgreSQL): reorder, add and remove attachments, change alt text and focus, change or drop
the poll, and read every revision back from the history as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mastodon_api.clients import assert_json_error, auth, new_app, register
from tests.media import images
from tests.support.server import running_server


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    with running_server(database_url, media_path=tmp_path / "media") as url:
        yield url


def _ids(items: list) -> list[str]:
    return [str(i["id"]) for i in items]


def test_edit_photos_alt_text_and_history(server: str) -> None:
    app = new_app(server)
    citizen, _, _ = register(server, app)
    bridge = citizen.media_post(images.phone_jpeg(), mime_type="image/jpeg", description="안양천 다리")
    park = citizen.media_post(images.webp(), mime_type="image/webp", description="중앙공원")
    post = citizen.status_post("안양천 산책 사진", media_ids=[bridge, park])
    assert _ids(post.media_attachments) == _ids([bridge, park])

    # Reorder and fix the alt text of one photo. Mastodon.py builds media_ids from the
    # attributes when it is given only those (passing both trips over a bug of its own).
    edited = citizen.status_update(post.id, "안양천 산책 사진 (순서 바꿈)", media_attributes=[
        citizen.generate_media_edit_attributes(park),
        citizen.generate_media_edit_attributes(bridge, description="안양천 보행교", focus=(0.5, -0.25))])
    assert _ids(edited.media_attachments) == _ids([park, bridge])
    assert edited.media_attachments[1].description == "안양천 보행교"
    assert edited.media_attachments[1].meta.focus == {"x": 0.5, "y": -0.25}

    # Add a third, drop the first.
    market = citizen.media_post(images.png_with_metadata(), mime_type="image/png")
    edited = citizen.status_update(post.id, "다리와 시장", media_ids=[bridge, market])
    assert _ids(edited.media_attachments) == _ids([bridge, market])
    assert _ids(citizen.status(post.id).media_attachments) == _ids([bridge, market])

    # A text-only edit (no media_ids) keeps the photos, as on Mastodon.
    assert _ids(citizen.status_update(post.id, "다리와 시장 사진").media_attachments) == _ids([bridge, market])

    history = citizen.status_history(post.id)
    assert [h.content for h in history] == ["<p>안양천 산책 사진</p>", "<p>안양천 산책 사진 (순서 바꿈)</p>",
                                            "<p>다리와 시장</p>", "<p>다리와 시장 사진</p>"]
    shown = [[(str(m.id), m.description) for m in h.media_attachments] for h in history]
    assert shown == [
        [(str(bridge.id), "안양천 다리"), (str(park.id), "중앙공원")],  # the alt text it had then
        [(str(park.id), "중앙공원"), (str(bridge.id), "안양천 보행교")],
        [(str(bridge.id), "안양천 보행교"), (str(market.id), None)],
        [(str(bridge.id), "안양천 보행교"), (str(market.id), None)],
    ]
    assert all(h.poll is None for h in history)
    # The removed photo still serves the revision that showed it.
    assert httpx.get(history[0].media_attachments[1].url).status_code == 200


def test_edit_poll_change_remove_and_history(server: str) -> None:
    app = new_app(server)
    city, _, _ = register(server, app)
    voter, _, _ = register(server, app)
    post = city.status_post("점심 메뉴 투표", poll=city.make_poll(["김밥", "라면"], expires_in=3600))
    voter.poll_vote(post.poll.id, [1])

    # The same options again: the votes stay.
    same = city.status_update(post.id, "점심 메뉴 투표 (마감 연장)", poll=city.make_poll(["김밥", "라면"], expires_in=7200))
    assert [o.votes_count for o in same.poll.options] == [0, 1]
    # Other options: a new poll, no votes.
    changed = city.status_update(post.id, "저녁 메뉴 투표", poll=city.make_poll(["국밥", "냉면", "비빔밥"], expires_in=3600))
    assert [o.title for o in changed.poll.options] == ["국밥", "냉면", "비빔밥"]
    assert changed.poll.votes_count == 0 and changed.poll.id != post.poll.id
    # An edit without a poll takes it away, as Mastodon does.
    dropped = city.status_update(post.id, "투표는 끝났어요")
    assert dropped.poll is None and city.status(post.id).poll is None
    assert_json_error(httpx.get(f"{server}/api/v1/polls/{changed.poll.id}", headers=auth(voter.access_token)), 404)

    history = city.status_history(post.id)
    polls = [[o.title for o in h.poll.options] if h.poll else None for h in history]
    assert polls == [["김밥", "라면"], ["김밥", "라면"], ["국밥", "냉면", "비빔밥"], None]
    assert all(h.media_attachments == [] for h in history)


def test_bad_edits_change_nothing(server: str) -> None:
    app = new_app(server)
    citizen, _, _ = register(server, app)
    other, _, _ = register(server, app)
    photo = citizen.media_post(images.phone_jpeg(), mime_type="image/jpeg", description="원래 설명")
    post = citizen.status_post("사진 한 장", media_ids=[photo])
    theirs = other.media_post(images.webp(), mime_type="image/webp")
    url = f"{server}/api/v1/statuses/{post.id}"
    headers = auth(citizen.access_token)

    def put(body: dict) -> httpx.Response:
        return httpx.put(url, json={"status": "바뀐 글", **body}, headers=headers)

    assert_json_error(put({"media_ids": [str(photo.id), str(theirs.id)]}), 422)  # someone else's upload
    assert_json_error(put({"media_ids": [str(photo.id)], "media_attributes": [{"id": str(photo.id), "focus": "3,3"}]}),
                      422)
    assert_json_error(put({"media_ids": [str(photo.id)], "media_attributes": [{"id": str(photo.id),
                                                                                "description": "가" * 1501}]}), 422)
    assert_json_error(put({"media_attributes": [{"id": "not-a-number"}]}), 422)
    assert_json_error(put({"media_ids": [str(photo.id)], "poll": {"options": ["예", "아니오"], "expires_in": 3600}}), 422)
    assert_json_error(put({"poll": {"options": ["예", "아니오"], "expires_in": 3600}}), 422)  # it has a photo
    now = citizen.status(post.id)
    assert now.content == "<p>사진 한 장</p>" and _ids(now.media_attachments) == _ids([photo])
    assert now.media_attachments[0].description == "원래 설명"
    assert len(citizen.status_history(post.id)) == 1
