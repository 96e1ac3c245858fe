"""Scheduled statuses through Mastodon.py and httpx against a real server (SQLite and
PostgreSQL); the server's own worker publishes them once the (frozen) clock passes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from madang.core.clock import Clock, FrozenClock, set_clock
from tests.mastodon_api.clients import assert_json_error, auth, eventually, new_app, register
from tests.media import images
from tests.support.server import running_server


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    set_clock(clock)
    yield clock
    set_clock(Clock())


@pytest.fixture
def server(database_url: str, frozen: FrozenClock, tmp_path: Path) -> Iterator[str]:
    with running_server(database_url, media_path=tmp_path / "media") as url:
        yield url


def test_schedule_list_move_and_publish(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_sched")
    reader, _, _ = register(server, app, "reader_sched")
    reader.account_follow(city.me().id)
    photo = city.media_post(images.phone_jpeg(40, 30), mime_type="image/jpeg", description="안양천 지도")
    at = frozen.at + timedelta(hours=1)

    first = city.status_post("내일 오전 9시 안양천 정비 작업이 있습니다", scheduled_at=at, visibility="unlisted",
                             media_ids=[photo], language="ko")
    assert first.params.text == "내일 오전 9시 안양천 정비 작업이 있습니다"
    assert first.params.visibility == "unlisted" and first.params.media_ids == [str(photo.id)]
    assert [str(m["id"]) for m in first.media_attachments] == [str(photo.id)]
    assert first.scheduled_at == at
    second = city.status_post("설문 예약", scheduled_at=at + timedelta(days=1),
                              poll=city.make_poll(["참석", "불참"], expires_in=3600))
    assert second.params.poll.options == ["참석", "불참"]
    assert city.account_statuses(city.me().id) == []  # nothing is posted yet
    # The reserved photo cannot go on another scheduled post.
    with pytest.raises(MastodonAPIError, match=str(photo.id)):
        city.status_post("같은 사진", scheduled_at=at, media_ids=[photo])

    assert [s.id for s in city.scheduled_statuses()] == [second.id, first.id]
    assert city.scheduled_status(first.id).params.text == first.params.text
    with pytest.raises(MastodonNotFoundError):
        reader.scheduled_status(first.id)  # someone else's
    assert reader.scheduled_statuses() == []

    moved = city.scheduled_status_update(first.id, at + timedelta(hours=1))
    assert moved.scheduled_at == at + timedelta(hours=1)
    city.scheduled_status_delete(second.id)
    assert [s.id for s in city.scheduled_statuses()] == [first.id]

    frozen.advance(hours=1, minutes=1)  # the first time has passed, the new one has not
    assert city.account_statuses(city.me().id) == []
    frozen.advance(hours=1)
    posted = eventually(lambda: city.account_statuses(city.me().id), timeout=10)
    assert [s.content for s in posted] == ["<p>내일 오전 9시 안양천 정비 작업이 있습니다</p>"]
    assert posted[0].visibility == "unlisted" and [m.id for m in posted[0].media_attachments] == [photo.id]
    assert city.scheduled_statuses() == []
    frozen.advance(days=2)  # the cancelled one never comes, the published one never comes again
    assert eventually(lambda: reader.timeline_home())[0].id == posted[0].id
    assert len(city.account_statuses(city.me().id)) == 1


def test_bad_scheduling_input(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_bad")
    token = city.access_token
    url = f"{server}/api/v1/statuses"

    def post(**body: object) -> httpx.Response:
        return httpx.post(url, json={"status": "예약", **body}, headers=auth(token))

    soon = (frozen.at + timedelta(minutes=4)).isoformat()
    assert assert_json_error(post(scheduled_at=soon), 422) == \
        "Validation failed: Scheduled at The scheduled date must be in the future"
    assert "not a valid date" in assert_json_error(post(scheduled_at="내일 아침"), 422)
    assert "character limit" in assert_json_error(
        post(status="가" * 600, scheduled_at=(frozen.at + timedelta(hours=1)).isoformat()), 422)
    assert city.scheduled_statuses() == [] and city.account_statuses(city.me().id) == []

    made = post(scheduled_at=(frozen.at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    assert made.status_code == 200, made.text
    row = made.json()
    assert set(row) == {"id", "scheduled_at", "params", "media_attachments"}
    one = f"{server}/api/v1/scheduled_statuses/{row['id']}"
    assert "must be in the future" in assert_json_error(
        httpx.put(one, json={"scheduled_at": soon}, headers=auth(token)), 422)
    assert city.scheduled_status(row["id"]).scheduled_at == frozen.at + timedelta(hours=2)  # unchanged
    for missing in ("999999", "abc"):
        assert_json_error(httpx.get(f"{server}/api/v1/scheduled_statuses/{missing}", headers=auth(token)), 404)
        assert_json_error(httpx.delete(f"{server}/api/v1/scheduled_statuses/{missing}", headers=auth(token)), 404)
    assert_json_error(httpx.get(f"{server}/api/v1/scheduled_statuses"), 401)

    # Idempotency-Key: a retried request schedules once.
    again = {"status": "한 번만", "scheduled_at": (frozen.at + timedelta(hours=3)).isoformat()}
    headers = {**auth(token), "Idempotency-Key": "retry-1"}
    a = httpx.post(url, json=again, headers=headers).json()
    b = httpx.post(url, json=again, headers=headers).json()
    assert a["id"] == b["id"] and len(city.scheduled_statuses()) == 2


def test_paging_with_link_headers(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_page")
    made = [city.status_post(f"예약 {i}", scheduled_at=frozen.at + timedelta(hours=i + 1)) for i in range(5)]
    page = httpx.get(f"{server}/api/v1/scheduled_statuses?limit=2", headers=auth(city.access_token))
    assert [r["id"] for r in page.json()] == [str(made[4].id), str(made[3].id)]
    assert 'rel="next"' in page.headers["link"]
    first = city.scheduled_statuses(limit=2)
    assert [s.id for s in city.fetch_next(first)] == [made[2].id, made[1].id]


def test_published_once_across_a_restart(database_url: str, frozen: FrozenClock, tmp_path: Path) -> None:
    """Scheduled by one server process; the time passes while it is down; the next one posts it."""
    with running_server(database_url, media_path=tmp_path / "media") as base:
        app = new_app(base)
        city, _, _ = register(base, app, "anyang_restart")
        token = city.access_token
        city.status_post("서버가 쉬는 동안 예약된 글", scheduled_at=frozen.at + timedelta(minutes=30))
    frozen.advance(minutes=31)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        api = city.__class__(access_token=token, api_base_url=base, version_check_mode="none")
        posted = eventually(lambda: api.account_statuses(api.me().id), timeout=10)
        assert [s.content for s in posted] == ["<p>서버가 쉬는 동안 예약된 글</p>"]
        assert api.scheduled_statuses() == []
    with running_server(database_url, media_path=tmp_path / "media") as base:  # and once more: nothing new
        api = city.__class__(access_token=token, api_base_url=base, version_check_mode="none")
        assert len(api.account_statuses(api.me().id)) == 1
