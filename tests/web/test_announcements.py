"""Instance announcements (issue 15) on a real server, both databases: an office admin writes a
notice about a period on /office/announcements, citizens see it above every page and in their
Mastodon app (Mastodon.py), react and dismiss it; a scheduled notice waits, an ended one goes
down by itself, and only admins and office admins may write — bad input is refused in Korean
and writes nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from mastodon import MastodonAPIError
from sqlalchemy import func, select, update

from madang.models import Announcement, AnnouncementReaction
from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient
from tests.web.test_desk_settings import count, run, seed

PASSWORD = "비밀번호는길게1234"
SEOUL = ZoneInfo("Asia/Seoul")


def _local(when: datetime) -> str:
    return when.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M")


def _write(web: WebClient, text: str, **fields: str):  # type: ignore[no-untyped-def]
    return web.post("/office/announcements", {"text": text, "publish": "now", **fields})


def _banner(page: str) -> str:
    found = re.search(r'<section class="announcements".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_an_office_admin_tells_everyone_and_citizens_react_and_dismiss(web_base: str, database_url: str) -> None:
    boss, reader = WebClient(web_base), WebClient(web_base)
    boss.sign_up("boss", PASSWORD)
    reader.sign_up("reader", PASSWORD)
    WebClient(web_base).sign_up("seojin_park", PASSWORD)
    seed(database_url)  # boss: office_admin of @anyanglove; reader: read_only
    app = new_app(web_base)
    citizen_api, citizen_name, citizen_password = register(web_base, app, "minji")
    citizen = WebClient(web_base)
    assert citizen.sign_in(citizen_name, citizen_password).status_code == 303
    assert _banner(citizen.get("/home").text) == ""

    # Only an office admin (or an instance admin) may write; others are told who may.
    for outsider in (reader, citizen):
        refused = _write(outsider, "아무나 쓰는 공지")
        assert refused.status_code == 403 and "민원 총괄" in refused.text
        assert outsider.get("/office/announcements").status_code == 403
    # Bad input: a clear Korean reason next to the field, nothing written.
    empty = _write(boss, "   ")
    assert empty.status_code == 422 and "공지 내용을 적어 주세요" in empty.text
    now = datetime.now(SEOUL)
    backwards = _write(boss, "거꾸로 된 기간", starts_at=_local(now + timedelta(days=2)), ends_at=_local(now))
    assert backwards.status_code == 422 and "끝나는 때가 시작하는 때보다 앞섭니다" in backwards.text
    bad_date = _write(boss, "날짜가 이상한 공지", starts_at="다음 주 월요일")
    assert bad_date.status_code == 422 and "2026-07-20 09:00처럼" in bad_date.text
    assert count(database_url, Announcement) == 0

    # A heat-wave notice for three whole days, published now; a later one scheduled for tomorrow.
    first_day, last_day = now.date(), now.date() + timedelta(days=2)
    made = _write(boss, "폭염 경보: 무더위 쉼터를 이용하세요 #안양폭염 https://www.anyang.go.kr/heat",
                  all_day="1", starts_at=first_day.isoformat(), ends_at=last_day.isoformat())
    assert made.status_code == 303 and "notice=announcement_saved" in made.headers["location"]
    scheduled = _write(boss, "내일 아침 도로 통제", publish="at", publish_at=_local(now + timedelta(days=1)))
    assert scheduled.status_code == 303
    listing = boss.get("/office/announcements").text
    assert "게시 중" in listing and "예약됨" in listing

    # Above every signed-in page, links and tags marked up; the scheduled one not yet.
    banner = _banner(citizen.get("/home").text)
    assert "폭염 경보" in banner and "/tags/%EC%95%88%EC%96%91%ED%8F%AD%EC%97%BC" in banner
    assert 'href="https://www.anyang.go.kr/heat"' in banner and "도로 통제" not in banner
    assert "폭염 경보" in _banner(citizen.get("/public/local").text)

    # In the citizen's Mastodon app: the entity as Mastodon sends it.
    [seen] = citizen_api.announcements()
    assert "폭염 경보" in seen["content"] and seen["all_day"] is True and seen["read"] is False
    assert seen["starts_at"].astimezone(SEOUL).date() == first_day
    assert seen["ends_at"].astimezone(SEOUL).date() == last_day
    assert [t["name"] for t in seen["tags"]] == ["안양폭염"]
    # Reactions: a Unicode emoji from the app, another from the web; a word is not an emoji.
    citizen_api.announcement_reaction_create(seen["id"], "👍")
    citizen_api.announcement_reaction_create(seen["id"], "👍")  # again: still one
    with pytest.raises(MastodonAPIError) as refused_name:
        citizen_api.announcement_reaction_create(seen["id"], "좋아요")
    assert refused_name.value.args[1] == 422
    boss_web_react = boss.post(f"/announcements/{seen['id']}/reactions", {"name": "🙏", "next": "/announcements"})
    assert boss_web_react.status_code == 303
    [seen] = citizen_api.announcements()
    assert [(r["name"], r["count"], r["me"]) for r in seen["reactions"]] == [("👍", 1, True), ("🙏", 1, False)]
    page = boss.get("/announcements").text
    assert 'aria-pressed="true"' in page and "👍 1" in page

    # Dismissed from the banner: gone from every page, still on /announcements as read.
    dismissed = citizen.post(f"/announcements/{seen['id']}/dismiss", {"next": "/home"})
    assert dismissed.status_code == 303 and dismissed.headers["location"] == "/home"
    assert _banner(citizen.get("/home").text) == ""
    assert "폭염 경보" in citizen.get("/announcements").text and "읽음" in citizen.get("/announcements").text
    assert citizen_api.announcements() == []  # the app's list leaves dismissed ones out
    assert "폭염 경보" in _banner(reader.get("/home").text)  # others still see it

    # Taking a reaction back, in the app.
    citizen_api.announcement_reaction_delete(seen["id"], "👍")
    assert count(database_url, AnnouncementReaction) == 1

    # The period ends: the notice goes down by itself (its last day is over).
    async def end(s):  # type: ignore[no-untyped-def]
        await s.execute(update(Announcement).where(Announcement.id == int(seen["id"])).values(
            starts_at=datetime.now(SEOUL) - timedelta(days=5), ends_at=datetime.now(SEOUL) - timedelta(days=2)))
    run(database_url, end)
    # The process's copy lasts a few seconds: a change made elsewhere shows after it.
    boss.post(f"/office/announcements/{seen['id']}/unpublish", {})
    assert "폭염 경보" not in _banner(reader.get("/home").text)
    assert boss.post(f"/office/announcements/{seen['id']}/publish", {}).status_code == 303
    assert "폭염 경보" not in _banner(reader.get("/home").text)  # published, but its period is over
    assert "기간 끝남" in boss.get("/office/announcements").text

    # Deleting: gone everywhere, reactions with it; each change is in the audit log.
    assert boss.post(f"/office/announcements/{seen['id']}/delete", {}).status_code == 303
    assert count(database_url, AnnouncementReaction) == 0

    async def actions(s):  # type: ignore[no-untyped-def]
        from madang.models.moderation_admin import ModerationAction
        return list(await s.scalars(select(ModerationAction.action).order_by(ModerationAction.id)))
    logged = run(database_url, actions)
    assert logged[:2] == ["create_announcement", "create_announcement"] and "delete_announcement" in logged
    assert run(database_url, lambda s: s.scalar(select(func.count()).select_from(Announcement))) == 1
