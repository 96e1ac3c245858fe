"""The composer's options on the web (issue 15), on a real server over both databases: a content
warning hides the text until opened, sensitive photos stay folded, the language chosen is the
post's, and a post scheduled for later waits on /scheduled (moved, cancelled, refused in Korean
when too soon) and is published at its time by the worker."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from madang.models import ScheduledStatus
from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient
from tests.web.test_desk_settings import count, run

SEOUL = ZoneInfo("Asia/Seoul")


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 180, 200)).save(out, "PNG")
    return out.getvalue()


def _local(when: datetime) -> str:
    return when.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M")


def test_warnings_language_and_scheduling_from_the_composer(web_base: str, database_url: str) -> None:
    app = new_app(web_base)
    api, name, password = register(web_base, app, "seoyeon_cw")
    web = WebClient(web_base)
    assert web.sign_in(name, password).status_code == 303
    assert 'name="spoiler_text"' in web.get("/compose").text

    posted = web.post("/statuses", {"status": "평촌 학원가 불법 주차 사진입니다", "spoiler_text": "주차 문제",
                                    "language": "ko", "visibility": "public", "next": "/home"})
    assert posted.status_code == 303
    [mine] = api.account_statuses(api.me()["id"])
    assert mine["spoiler_text"] == "주차 문제" and mine["sensitive"] is True and mine["language"] == "ko"
    page = web.get(f"/@{name}/{mine['id']}").text
    assert re.search(r'<details class="spoiler"><summary[^>]*>주차 문제</summary>', page)

    english = web.post("/statuses", {"status": "The bike lane on Anyangcheon is closed", "language": "en",
                                     "visibility": "public", "next": "/home"})
    assert english.status_code == 303
    assert api.account_statuses(api.me()["id"])[0]["language"] == "en"

    # Scheduling: too soon is refused in Korean with nothing kept; later waits on /scheduled.
    soon = web.post("/statuses", {"status": "곧 올릴 글", "scheduled_at": _local(datetime.now(SEOUL) + timedelta(minutes=1)),
                                  "visibility": "public", "next": "/home"})
    assert soon.status_code == 422 and "5분 뒤" in soon.text and "곧 올릴 글" in soon.text
    assert count(database_url, ScheduledStatus) == 0
    later = datetime.now(SEOUL) + timedelta(hours=2)
    scheduled = web.post("/statuses", {"status": "내일 아침 안양천 청소 모임", "scheduled_at": _local(later),
                                       "visibility": "public", "next": "/home"})
    assert scheduled.status_code == 303 and scheduled.headers["location"].startswith("/scheduled")
    listing = web.get("/scheduled").text
    assert "내일 아침 안양천 청소 모임" in listing
    assert "내일 아침 안양천 청소 모임" not in [s["content"] for s in api.account_statuses(api.me()["id"])]
    scheduled_id = re.search(r'id="scheduled-(\d+)"', listing).group(1)  # type: ignore[union-attr]
    # Moved; a bad time refused next to its field.
    bad = web.post(f"/scheduled/{scheduled_id}/reschedule", {"scheduled_at": "내일"})
    assert bad.status_code == 422 and "2026-07-20 09:00처럼" in bad.text
    moved = web.post(f"/scheduled/{scheduled_id}/reschedule", {"scheduled_at": _local(later + timedelta(hours=1))})
    assert moved.status_code == 303
    assert _local(later + timedelta(hours=1)) in web.get("/scheduled").text

    # Its time comes (moved into the past here): the server's worker publishes it.
    async def due(s):  # type: ignore[no-untyped-def]
        await s.execute(update(ScheduledStatus).values(scheduled_at=datetime.now(SEOUL) - timedelta(seconds=1)))
    run(database_url, due)
    # The publish job waits for its own time; cancelling another and re-scheduling this one
    # through the page would also do — here the job's run_at moves with it.
    async def now_due(s):  # type: ignore[no-untyped-def]
        from madang.models import Job
        await s.execute(update(Job).where(Job.name == "scheduling.publish").values(run_at=datetime.now(SEOUL)))
    run(database_url, now_due)
    deadline = time.time() + 20
    while not any("청소 모임" in s["content"] for s in api.account_statuses(api.me()["id"])):
        assert time.time() < deadline, "the scheduled post was never published"
        time.sleep(0.3)
    assert "예약한 글이 없습니다" in web.get("/scheduled").text

    # A photo waits with its scheduled post, then goes out with it, its description kept.
    with_photo = web.post("/statuses", {"status": "벚꽃 사진 예약", "scheduled_at": _local(later), "visibility": "public",
                                        "media_0_description": "안양천 벚꽃길", "next": "/home"},
                          files={"media_0": ("cherry.png", _png(), "image/png")})
    assert with_photo.status_code == 303 and with_photo.headers["location"].startswith("/scheduled")
    assert "사진 1장" in web.get("/scheduled").text
    run(database_url, due)
    run(database_url, now_due)
    deadline = time.time() + 20
    while not any("벚꽃 사진 예약" in s["content"] for s in api.account_statuses(api.me()["id"])):
        assert time.time() < deadline, "the scheduled post with a photo was never published"
        time.sleep(0.3)
    published = next(s for s in api.account_statuses(api.me()["id"]) if "벚꽃 사진 예약" in s["content"])
    assert [m["description"] for m in published["media_attachments"]] == ["안양천 벚꽃길"]

    # Cancelling.
    again = web.post("/statuses", {"status": "취소할 예약 글", "scheduled_at": _local(later), "visibility": "public",
                                   "next": "/home"})
    assert again.status_code == 303
    other_id = re.search(r'id="scheduled-(\d+)"', web.get("/scheduled").text).group(1)  # type: ignore[union-attr]
    assert web.post(f"/scheduled/{other_id}/cancel", {}).status_code == 303
    assert count(database_url, ScheduledStatus) == 0
    # Someone else's scheduled post is not found.
    stranger = WebClient(web_base)
    stranger.sign_up("stranger_cw")
    assert stranger.post(f"/scheduled/{other_id}/cancel", {}).status_code == 404
