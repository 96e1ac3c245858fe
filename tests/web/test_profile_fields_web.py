"""Profile fields on the web, on a real server over both databases: up to four label/value rows
saved through the domain's rule and shown as a definition list; a fifth or an over-long one is
refused next to the field with nothing written; a link whose page links back with rel="me"
(served on loopback) is verified by the worker and shown with Mastodon's check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.office.feed_server import Doc, FeedServer, feed_server
from tests.support.server import running_server
from tests.web.social import api, eventually, person

BASE_FORM = {"display_name": "민지", "note": "안양 사람", "locale": "ko", "default_visibility": "public",
             "discoverable": "1", "indexable": "1"}


def fields_form(rows: list[tuple[str, str]]) -> dict[str, str]:
    form = dict(BASE_FORM)
    for i, (name, value) in enumerate(rows):
        form[f"fields[{i}][name]"], form[f"fields[{i}][value]"] = name, value
    return form


def stored_fields(web: Any) -> list[dict[str, Any]]:
    with api(web) as client:
        return client.get("/api/v1/accounts/verify_credentials").json()["fields"]


@pytest.fixture
def pages() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


def test_profile_fields_are_saved_shown_and_a_fifth_refused(web_base: str) -> None:
    minji = person(web_base, "minji")
    try:
        page = minji.get("/settings/profile").text
        assert "추가 정보" in page and all(f'name="fields[{i}][name]"' in page for i in range(4))
        saved = minji.post("/settings/profile", fields_form([("동네", "안양 1동"), ("좋아하는 곳", "안양천 #산책"),
                                                              ("", ""), ("블로그", "blog.anyang.example")]))
        assert saved.status_code == 303, saved.text[:500]
        settings_page = minji.follow(saved).text
        assert 'value="안양 1동"' in settings_page and 'value="블로그"' in settings_page
        assert [f["name"] for f in stored_fields(minji)] == ["동네", "좋아하는 곳", "블로그"]

        profile = minji.get("/@minji").text
        dl = re.search(r'<dl class="profile-fields">(.*?)</dl>', profile, re.S)
        assert dl is not None
        assert "<dt>동네</dt>" in dl.group(1) and "안양 1동" in dl.group(1)
        assert "/tags/%EC%82%B0%EC%B1%85" in dl.group(1) and "산책</span></a>" in dl.group(1)  # a linked hashtag
        assert "verified-field" not in dl.group(1)  # nothing was verified

        # A fifth row is refused by the domain's rule, next to the fields; what was typed stays.
        five = [("하나", "1"), ("둘", "2"), ("셋", "3"), ("넷", "4"), ("다섯", "5")]
        refused = minji.post("/settings/profile", fields_form(five))
        assert refused.status_code == 422
        assert 'id="f-fields-error"' in refused.text and "추가 정보는 4개까지 넣을 수 있습니다." in refused.text
        assert 'value="다섯"' in refused.text
        too_long = minji.post("/settings/profile", fields_form([("긴 것", "가" * 256)]))
        assert too_long.status_code == 422 and "255자까지" in too_long.text
        assert [f["name"] for f in stored_fields(minji)] == ["동네", "좋아하는 곳", "블로그"]  # nothing written

        # Emptying the rows removes the fields.
        assert minji.post("/settings/profile", fields_form([])).status_code == 303
        assert stored_fields(minji) == [] and 'class="profile-fields"' not in minji.get("/@minji").text
    finally:
        minji.close()


def test_a_link_that_links_back_with_rel_me_is_shown_verified(database_url: str, tmp_path: Any,
                                                              pages: FeedServer) -> None:
    with running_server(database_url, media_path=tmp_path / "media", outbound_allow="127.0.0.1/32",
                        profile_link_checks=True) as base:
        minji = person(base, "minji")
        try:
            pages.docs["/home"] = Doc(f'<html><body><a rel="me noopener" href="{base}/@minji">민지의 마당</a>'
                                      f'</body></html>'.encode(), content_type="text/html; charset=utf-8")
            pages.docs["/other"] = Doc(f'<html><body><a href="{base}/@minji">링크만</a></body></html>'.encode(),
                                       content_type="text/html; charset=utf-8")
            home, other = pages.url("/home"), pages.url("/other")
            saved = minji.post("/settings/profile", fields_form([("홈페이지", home), ("다른 곳", other),
                                                                  ("ftp", "ftp://127.0.0.1/x")]))
            assert saved.status_code == 303

            # The worker fetches the page through the guarded client and finds the rel="me" link.
            eventually(lambda: bool(stored_fields(minji)[0]["verified_at"]), timeout=15)
            fields = stored_fields(minji)
            assert fields[1]["verified_at"] is None and fields[2]["verified_at"] is None
            assert any(path == "/other" for path, _ in pages.requests)  # checked, and found no rel=me

            profile = minji.get("/@minji").text
            verified = re.findall(r'<div class="verified-field">(.*?)</div>', profile, re.S)
            assert len(verified) == 1 and "홈페이지" in verified[0] and "확인된 링크" in verified[0]
            assert "✓" in verified[0] and '<time datetime="' in verified[0]
            settings_page = minji.get("/settings/profile").text
            assert settings_page.count('class="hint verified-link"') == 1

            # Keeping the value keeps the check; changing it drops it until checked again.
            assert minji.post("/settings/profile", fields_form([("홈페이지", home), ("추가", "글")])).status_code == 303
            assert stored_fields(minji)[0]["verified_at"] == fields[0]["verified_at"]
            assert minji.post("/settings/profile", fields_form([("홈페이지", other)])).status_code == 303
            assert stored_fields(minji)[0]["verified_at"] is None
        finally:
            minji.close()


def test_a_remote_accounts_html_fields_are_shown_as_html(sqlite_url: str, sqlite_web_base: str) -> None:
    """Federation stores remote values as sanitised HTML: shown as links, not as escaped tags."""
    import asyncio

    from madang.core.clock import utcnow
    from madang.core.ids import new_id
    from madang.db.database import Database
    from madang.models import Account
    from tests.web.client import WebClient

    async def go() -> None:
        db = Database(sqlite_url)
        try:
            async with db.write() as s:
                uri = "https://far.example/users/hana"
                s.add(Account(id=new_id(), username="hana", domain="far.example", acct_key="hana@far.example",
                              display_name="하나", uri=uri, url="https://far.example/@hana", inbox_url=f"{uri}/inbox",
                              public_key_id=f"{uri}#main-key", actor_type="Person", created_at=utcnow(),
                              updated_at=utcnow(), fetched_at=utcnow(),
                              fields=[{"name": "웹", "value": '<a href="https://hana.example" rel="me">hana.example</a>',
                                       "verified_at": "2026-11-01T00:00:00+00:00"},
                                      {"name": "위험", "value": "<script>alert(1)</script>글"}]))
        finally:
            await db.dispose()
    asyncio.run(go())
    guest = WebClient(sqlite_web_base)
    try:
        page = guest.get("/@hana@far.example").text
        dl = re.search(r'<dl class="profile-fields">(.*?)</dl>', page, re.S).group(1)  # type: ignore[union-attr]
        assert 'href="https://hana.example"' in dl and "&lt;a" not in dl and "<script>" not in dl
        assert 'class="verified-field"' in dl and '<time datetime="2026-11-01T00:00:00+00:00">2026-11-01</time>' in dl
    finally:
        guest.close()
