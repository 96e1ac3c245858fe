"""초성 autocomplete through a real server (SQLite and PostgreSQL): Mastodon.py's account search and
search_v2 (accounts and hashtags), and the web composer's suggestion route."""

from __future__ import annotations

import re

from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient


def test_api_and_composer_find_by_initials(server: str) -> None:
    app = new_app(server)
    hall, hall_name, _ = register(server, app, "anyang_city")
    hall.account_update_credentials(display_name="안양시청")
    library, _, _ = register(server, app, "anyang_library")
    library.account_update_credentials(display_name="안양 중앙 도서관")
    goyang, _, _ = register(server, app, "goyang_city")
    goyang.account_update_credentials(display_name="고양시청")
    reader, reader_name, reader_password = register(server, app)
    hall.status_post("시청 소식 #안양시청 #안양 #anyang")

    assert [a.acct for a in reader.account_search("ㅇㅇㅅㅊ")] == ["anyang_city"]
    assert [a.acct for a in reader.account_search("안야")] == ["anyang_city", "anyang_library"]
    assert [a.acct for a in reader.account_search("안ㅇㅅ")] == ["anyang_city"]
    assert [a.acct for a in reader.account_search("anyang_ci")] == ["anyang_city"]  # the romanised handle
    found = reader.search_v2("ㅇㅇ", result_type="accounts").accounts
    assert {a.acct for a in found} == {"anyang_city", "anyang_library"}
    assert found[0].display_name in ("안양시청", "안양 중앙 도서관") and "followers_count" in found[0]
    tags = reader.search_v2("#ㅇㅇ", result_type="hashtags").hashtags
    assert [t.name for t in tags] == ["안양", "안양시청"]
    assert tags[0].url.endswith("/tags/%EC%95%88%EC%96%91") and tags[0].following is False
    assert [t.name for t in reader.search_v2("안야", result_type="hashtags").hashtags] == ["안양", "안양시청"]
    everything = reader.search_v2("ㄱㅇㅅ")
    assert [a.acct for a in everything.accounts] == ["goyang_city"] and everything.hashtags == []

    web = WebClient(server)
    assert web.sign_in(reader_name, reader_password).status_code == 303
    mention = web.get("/compose/suggest", params={"q": "@ㅇㅇㅅ"})
    assert mention.status_code == 200
    assert re.findall(r'data-insert="([^"]+)"', mention.text) == ["@anyang_city"]
    assert "안양시청" in mention.text
    tag = web.get("/compose/suggest", params={"q": "#안야"})
    assert re.findall(r'data-insert="([^"]+)"', tag.text) == ["#안양", "#안양시청"]
    assert re.findall(r'data-insert', web.get("/compose/suggest", params={"q": "안양"}).text) == []  # no @ or #
    assert web.get("/compose").text.count("compose_suggest.js") == 1
    # Signed out: nothing is suggested (account search needs a reader, as the API's does).
    assert WebClient(server).get("/compose/suggest", params={"q": "@ㅇㅇ"}).status_code in (302, 303)
