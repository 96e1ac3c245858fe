"""The office's live monitor on a real server: staff watch a keyword, a citizen's post arrives
on the open stream, two staff see each other's handled mark, a post becomes a case in one
action; outsiders and read-only staff are kept out of what they may not do."""

from __future__ import annotations

import json

from sqlalchemy import select

from madang.models.desk import Case
from madang.models.monitor import MonitorWatch
from tests.web.test_desk_pages import city_of, ok, person, query
from tests.web.social import post
from tests.web.test_live import _events, _stream


def _id_of(web, text: str) -> str:  # type: ignore[no-untyped-def]
    return post(web, text)


def test_staff_watch_a_keyword_see_posts_live_and_each_others_marks(web_base: str, database_url: str) -> None:
    city_of(database_url)
    triager, admin, minsu = (person(web_base, n) for n in ("desk_triager", "desk_admin", "minsu"))
    page = triager.get("/office/monitor")
    assert page.status_code == 200 and "실시간 모니터" in page.text and "아직 보여 줄 글이 없습니다" in page.text
    bad = ok(triager.post("/office/monitor/watches", {"kind": "hashtag", "value": "#"}), 422)
    assert 'id="w-value-error"' in bad.text and 'value="#"' in bad.text
    assert query(database_url, select(MonitorWatch.id)) == []
    ok(triager.post("/office/monitor/watches", {"kind": "keyword", "value": "가로등"}))
    assert "“가로등”" in triager.get("/office/monitor").text

    with _stream(triager, "m") as one, one.stream("GET", "/office/monitor/stream") as first, \
            _stream(admin, "m") as two, two.stream("GET", "/office/monitor/stream") as second:
        assert first.status_code == 200 and first.headers["content-type"].startswith("text/event-stream")
        mine, theirs = _events(first), _events(second)
        _id_of(minsu, "오늘 점심은 김밥")  # not for the monitor
        post = _id_of(minsu, "우리 동네 가로등이 깜빡여요")
        for events in (mine, theirs):
            kind, data = next(events)
            assert kind == "item" and json.loads(data) == {"id": post, "reasons": ["keyword"]}
        item = triager.get(f"/office/monitor/items/{post}")
        assert item.status_code == 200 and "가로등이 깜빡여요" in item.text and "낱말" in item.text
        ok(triager.post(f"/office/monitor/items/{post}/handled", {"handled": "1"}))
        for events in (mine, theirs):
            kind, data = next(events)
            assert kind == "handled" and json.loads(data)["by"] == "desk_triager"
    # Reloaded, the admin sees the mark and who made it.
    assert "처리함: desk_triager" in admin.get("/office/monitor").text

    mention = _id_of(minsu, "@anyanglove 안양천 산책로 보수 언제 하나요?")
    opened = ok(triager.post(f"/office/monitor/items/{mention}/case", {"kind": "question_procedure"}))
    assert opened.headers["location"].startswith("/desk/cases/2026-")
    assert query(database_url, select(Case.source_status_id)) == [(int(mention),)]
    # Once a case, always the same case.
    again = ok(admin.post(f"/office/monitor/items/{mention}/case", {"kind": "grievance"}))
    assert again.headers["location"].split("?")[0] == opened.headers["location"].split("?")[0]


def test_outsiders_and_read_only_staff_are_kept_out(sqlite_web_base: str, sqlite_url: str) -> None:
    city_of(sqlite_url)
    outsider, reader = person(sqlite_web_base, "outsider"), person(sqlite_web_base, "desk_reader")
    assert outsider.get("/office/monitor").status_code == 403
    assert outsider.get("/office/monitor/stream").status_code == 403
    page = reader.get("/office/monitor")
    assert page.status_code == 200 and "지켜보기</button>" not in page.text  # reading only
    ok(reader.post("/office/monitor/watches", {"kind": "keyword", "value": "버스"}), 403)
    assert query(sqlite_url, select(MonitorWatch.id)) == []
    assert reader.get("/office/monitor?before=abc").status_code == 400
    assert reader.get("/office/monitor/items/123").status_code == 404


def test_a_responder_replies_and_favourites_as_the_city_from_the_monitor(
        sqlite_web_base: str, sqlite_url: str) -> None:
    from madang.models import Favourite, Status
    from madang.models.office import OfficePost

    city_of(sqlite_url)
    admin, officer, minsu = (person(sqlite_web_base, n) for n in ("desk_admin", "desk_officer", "minsu"))
    question = post(minsu, "@anyanglove 도서관 주말에도 여나요?")
    page = admin.get("/office/monitor").text
    assert "기관 이름으로 답글" in page and "기관 이름으로 좋아요" in page
    assert "기관 이름으로 답글" not in officer.get("/office/monitor").text  # no office role: no reply box
    ok(officer.post(f"/office/monitor/items/{question}/reply", {"text": "네"}), 403)
    empty = ok(admin.post(f"/office/monitor/items/{question}/reply", {"text": "   "}), 422)
    assert f'id="m-{question}-reply-error"' in empty.text
    ok(admin.post(f"/office/monitor/items/{question}/reply", {"text": "@minsu 네, 토요일과 일요일 오후 6시까지 엽니다."}))
    ok(admin.post(f"/office/monitor/items/{question}/favourite", {}))
    good_news = post(minsu, "@anyanglove 부흥중학교 여자축구부 우승 축하해요!")
    ok(officer.post(f"/office/monitor/items/{good_news}/reblog", {}), 403)
    for _ in range(2):  # boosted once, however often pressed
        ok(admin.post(f"/office/monitor/items/{good_news}/reblog", {}))
    boosts = query(sqlite_url, select(Status.id).where(Status.reblog_of_id == int(good_news)))
    assert len(boosts) == 1
    replies = query(sqlite_url, select(Status.id, Status.account_id, Status.text)
                    .where(Status.in_reply_to_id == int(question)))
    assert len(replies) == 1 and "오후 6시" in replies[0][2]
    authors = query(sqlite_url, select(OfficePost.status_id, OfficePost.account_id))
    assert [(s, a) for s, a in authors if s == replies[0][0]]  # the office knows who wrote it
    assert len(query(sqlite_url, select(Favourite.id).where(Favourite.status_id == int(question)))) == 1
    # Answered from the monitor: marked handled for everyone.
    assert "처리함: desk_admin" in admin.get("/office/monitor").text
