"""A citizen's filters on the web (issue 15), on SQLite and PostgreSQL: made, changed and
deleted on /settings/filters through the same use cases as /api/v2/filters; a warn filter
folds a matching post under the filter's name (a native <details>), a hide filter leaves it
out, each only in the contexts it names and only until it expires."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from madang.core.clock import utcnow
from madang.db.database import Database
from madang.models import Filter
from tests.web.client import WebClient
from tests.web.social import api, eventually, follow, person, post
from tests.web.test_settings import photo


def _card(page: str, status_id: str) -> str | None:
    """The HTML of one post's card on a page, or None when the page leaves it out."""
    found = page.find(f'" id="status-{status_id}" aria-labelledby=')
    if found < 0:
        return None
    start = page.rfind("<article", 0, found)
    end = page.find("</article>", start)
    return page[start:end if end > 0 else len(page)]


def _folded(page: str, status_id: str, title: str) -> bool:
    card = _card(page, status_id)
    assert card is not None, f"post {status_id} is missing"
    return f'<details class="filtered"><summary>필터에 걸린 글: {title}</summary>' in card


def _filters(web: WebClient) -> list[dict[str, Any]]:
    with api(web) as client:
        answer = client.get("/api/v2/filters")
        assert answer.status_code == 200
        return answer.json()  # type: ignore[no-any-return]


def _make(web: WebClient, title: str, contexts: list[str], action: str, *keywords: tuple[str, bool],
          expires_in: str = "never") -> str:
    form: dict[str, Any] = {"title": title, "context": contexts, "action": action, "expires_in": expires_in}
    for i, (word, whole) in enumerate(keywords):
        form[f"keyword_{i}"] = word
        if whole:
            form[f"whole_word_{i}"] = "1"
    form[f"keyword_{len(keywords)}"] = ""  # a spare row left blank says nothing
    made = web.post("/settings/filters", form)
    assert made.status_code == 303 and made.headers["location"].startswith("/settings/filters"), made.text[:800]
    return next(f["id"] for f in _filters(web) if f["title"] == title)


def _expire(database_url: str, filter_id: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                await s.execute(update(Filter).where(Filter.id == int(filter_id))
                                .values(expires_at=utcnow() - timedelta(minutes=1)))
        finally:
            await db.dispose()
    asyncio.run(go())


def test_warn_folds_and_hide_leaves_out_on_home_and_tag_pages(web_base: str) -> None:
    reader, author = person(web_base, "filter_reader"), person(web_base, "filter_author")
    follow(reader, "filter_author")
    works = post(author, "오늘도 공사 소음이 심하네요 #안양")
    parade = post(author, "The parade starts at noon #안양")
    parades = post(author, "Parades and parading are fun #안양")  # not the whole word
    plain = post(author, "맑은 날씨 #안양")

    page = reader.get("/settings/filters")
    assert page.status_code == 200 and 'aria-current="page">필터' in page.text and "만든 필터가 없습니다." in page.text
    new = reader.get("/settings/filters/new")
    assert new.status_code == 200 and 'name="keyword_0"' in new.text and '<option value="604800"' in new.text
    _make(reader, "공사 소식", ["home", "public"], "warn", ("공사", True))
    _make(reader, "행진", ["home", "public", "thread"], "hide", ("parade", True))
    mine = post(reader, "우리 동네 공사 parade")  # one's own posts are never filtered

    listed = reader.get("/settings/filters").text
    assert "공사 소식" in listed and "행진" in listed and "완전히 숨기기" in listed and "홈 타임라인과 리스트" in listed
    assert listed.count("만료 없음") == 2 and "1개: 공사" in listed

    eventually(lambda: _card(reader.get("/home").text, plain) is not None)
    for path in ("/home", "/tags/안양"):
        shown = reader.get(path)
        assert shown.status_code == 200
        assert _folded(shown.text, works, "공사 소식"), path
        assert _card(shown.text, parade) is None, path
        assert not _folded(shown.text, parades, "공사 소식") and '<details class="filtered">' not in _card(shown.text, parades)  # type: ignore[operator]
        assert '<details class="filtered">' not in _card(shown.text, plain)  # type: ignore[operator]
    assert '<details class="filtered">' not in (_card(reader.get("/home").text, mine) or "")
    profile = reader.get("/@filter_author").text  # neither filter names profiles
    assert not _folded(profile, works, "공사 소식") and _card(profile, parade) is not None
    # The author and guests see everything as it is.
    assert '<details class="filtered">' not in author.get("/tags/안양").text
    assert _card(WebClient(web_base).get("/tags/안양").text, parade) is not None


def test_contexts_expiry_editing_deleting_and_someone_elses_filter(web_base: str, database_url: str) -> None:
    reader, author = person(web_base, "ctx_reader"), person(web_base, "ctx_author")
    follow(reader, "ctx_author")
    works = post(author, "도로 공사 때문에 소음이 있어요")
    filter_id = _make(reader, "공사", ["home"], "warn", ("공사", True))
    eventually(lambda: _card(reader.get("/home").text, works) is not None)
    assert _folded(reader.get("/home").text, works, "공사")
    assert not _folded(reader.get("/public/local").text, works, "공사")  # a home-only filter

    edit = reader.get(f"/settings/filters/{filter_id}/edit")
    assert edit.status_code == 200 and 'value="공사"' in edit.text and 'name="keyword_id_0"' in edit.text
    assert re.search(r'id="f-context-home" name="context" type="checkbox" value="home" checked', edit.text)
    keyword_id = re.search(r'name="keyword_id_0" value="(\d+)"', edit.text).group(1)  # type: ignore[union-attr]
    # More rows without JavaScript: the same form back, nothing saved.
    more = reader.post(f"/settings/filters/{filter_id}", {"title": "바뀐 제목", "context": ["home"], "action": "warn",
                                                          "expires_in": "keep", "keyword_0": "공사",
                                                          "keyword_id_0": keyword_id, "add_rows": "1"})
    assert more.status_code == 200 and 'name="keyword_6"' in more.text and 'value="바뀐 제목"' in more.text
    assert _filters(reader)[0]["title"] == "공사"

    changed = reader.post(f"/settings/filters/{filter_id}", {
        "title": "동네 공사", "context": ["home", "public"], "action": "warn", "expires_in": "3600",
        "keyword_0": "공사", "keyword_id_0": keyword_id, "whole_word_0": "1", "remove_0": "1",
        "keyword_1": "소음", "keyword_2": ""})
    assert changed.status_code == 303, changed.text[:800]
    [saved] = _filters(reader)
    assert saved["title"] == "동네 공사" and saved["context"] == ["home", "public"] and saved["expires_at"]
    assert [k["keyword"] for k in saved["keywords"]] == ["소음"]
    assert _folded(reader.get("/public/local").text, works, "동네 공사")  # now public too, by 소음
    assert "까지)" in reader.get(f"/settings/filters/{filter_id}/edit").text  # keep (until …) offered

    # A cleared keyword is neither saved nor removed: asked again, nothing written.
    new_id = saved["keywords"][0]["id"]
    cleared = reader.post(f"/settings/filters/{filter_id}", {
        "title": "동네 공사", "context": ["home"], "action": "hide", "expires_in": "keep",
        "keyword_0": "", "keyword_id_0": new_id})
    assert cleared.status_code == 422 and "키워드를 입력하거나" in cleared.text and 'role="alert"' in cleared.text
    assert _filters(reader)[0]["filter_action"] == "warn"

    # Someone else's filter is not there for them.
    other = person(web_base, "ctx_other")
    assert other.get(f"/settings/filters/{filter_id}/edit").status_code == 404
    assert other.post(f"/settings/filters/{filter_id}", {"title": "x", "context": ["home"], "action": "hide",
                                                         "expires_in": "never"}).status_code == 404
    assert other.post(f"/settings/filters/{filter_id}/delete").status_code == 404
    assert other.get("/settings/filters/12x/edit").status_code == 404
    assert _filters(reader)[0]["title"] == "동네 공사"

    # Past its expiry a filter no longer applies (the process's copy lives a few seconds).
    _expire(database_url, filter_id)
    eventually(lambda: not _folded(reader.get("/home").text, works, "동네 공사"))
    assert "만료됨" in reader.get("/settings/filters").text

    gone = reader.post(f"/settings/filters/{filter_id}/delete")
    assert gone.status_code == 303 and "삭제했습니다." in reader.follow(gone).text
    assert _filters(reader) == [] and "만든 필터가 없습니다." in reader.get("/settings/filters").text


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_written(web_base: str) -> None:
    web = person(web_base, "bad_filters")
    good = {"title": "제목", "context": ["home"], "action": "warn", "expires_in": "never", "keyword_0": "공사"}
    cases = [({"title": "  "}, "f-title-error", "제목을 입력해 주세요."),
             ({"context": []}, "f-context-error", "적용할 곳을 하나 이상"),
             ({"context": ["home", "everywhere"]}, "f-context-error", "적용할 곳을 하나 이상"),
             ({"keyword_0": "  "}, "f-keyword-error", "키워드를 입력하거나"),
             ({"expires_in": "999"}, "f-expires_in-error", "만료 기간을 목록에서"),
             ({"action": "explode"}, "f-filter_action-error", "어떻게 할지"),
             ({"keyword_0": "가" * 300}, "f-keyword-error", "255자까지")]
    for change, where, message in cases:
        answer = web.post("/settings/filters", {**good, **change})
        assert answer.status_code == 422, (change, answer.text[:500])
        assert f'id="{where}">' in answer.text and message in answer.text, change
    assert _filters(web) == []
    assert web.post("/settings/filters", {**good, "csrf_token": "wrong"}).status_code == 403
    assert _filters(web) == []

    # A filter an app made with the blur action is shown and kept as it is; the web offers blur only there.
    assert 'value="blur"' not in web.get("/settings/filters/new").text
    with api(web) as client:
        made = client.post("/api/v2/filters", json={"title": "앱 필터", "context": ["home"], "filter_action": "blur",
                                                    "keywords_attributes": [{"keyword": "공사"}]})
        assert made.status_code == 200, made.text
    edit = web.get(f"/settings/filters/{made.json()['id']}/edit").text
    assert 'id="f-action-blur" name="action" type="radio" value="blur" checked' in edit
    assert "사진만 흐리게" in web.get("/settings/filters").text


def test_warnings_and_sensitive_photos_stay_folded_inside_a_filters_fold(web_base: str) -> None:
    reader, author = person(web_base, "cw_reader"), person(web_base, "cw_author")
    with api(author) as client:
        media = client.post("/api/v2/media", files={"file": ("p.jpg", photo(), "image/jpeg")},
                            data={"description": "공사장 사진"})
        assert media.status_code in (200, 202), media.text
        made = {}
        for name, extra in (("sensitive", {"sensitive": "true"}),
                            ("warned", {"sensitive": "true", "spoiler_text": "공사 현장 사진 주의"})):
            answer = client.post("/api/v1/statuses", data={"status": f"{name} #안양", **extra,
                                                           "media_ids[]": media.json()["id"] if name == "sensitive" else []})
            assert answer.status_code == 200, answer.text
            made[name] = answer.json()["id"]
    page = reader.get("/tags/안양").text
    sensitive = _card(page, made["sensitive"])
    assert sensitive is not None and '<details class="sensitive"><summary>민감한 사진 보기</summary>' in sensitive
    assert sensitive.index("<details") < sensitive.index('alt="공사장 사진"') < sensitive.index("</details>")
    _make(reader, "현장", ["public"], "warn", ("현장", True))
    warned = _card(reader.get("/tags/안양").text, made["warned"])
    assert warned is not None and _folded(warned, made["warned"], "현장")
    # Opening the filter's fold shows the post's own warning, still folded.
    assert warned.index('class="filtered"') < warned.index('<details class="spoiler">') < warned.index('<div class="content"')
    assert warned.count("</details>") == 2


def test_thread_and_notifications_contexts(web_base: str) -> None:
    reader, author = person(web_base, "thread_reader"), person(web_base, "thread_author")
    root = post(author, "도로 공사 안내입니다")
    reply = post(author, "공사는 언제 끝나나요?", in_reply_to=root)
    other = post(author, "맑은 날씨", in_reply_to=root)
    _make(reader, "공사 이야기", ["thread", "notifications"], "warn", ("공사", True))
    _make(reader, "비밀", ["notifications"], "hide", ("비밀", True))
    thread = reader.get(f"/@thread_author/{root}").text
    # The post the page is about is folded too, never left out; its replies as any thread.
    assert _folded(thread, root, "공사 이야기") and _folded(thread, reply, "공사 이야기")
    assert '<details class="filtered">' not in _card(thread, other)  # type: ignore[operator]
    assert "공사 이야기" not in author.get(f"/@thread_author/{root}").text  # the author's own filters: none

    told = post(author, "@thread_reader 공사 소식 알려드려요")
    secret = post(author, "@thread_reader 비밀 이야기")
    eventually(lambda: _card(reader.get("/notifications").text, told) is not None)
    page = reader.get("/notifications").text
    assert _folded(page, told, "공사 이야기") and _card(page, secret) is None
