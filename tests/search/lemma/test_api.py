"""Search by lemma through a real server (SQLite and PostgreSQL): Mastodon.py's search_v2
(the API's shape is Mastodon's) and the web search page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server
from tests.web.test_profiles import citizen, post


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url


def _ids(items: list) -> list[str]:
    return [str(item["id"]) for item in items]


def test_inflected_forms_meet_through_the_api_and_the_web_page(server: str) -> None:
    app = new_app(server)
    city, _, _ = register(server, app)
    reader, _, _ = register(server, app)
    held = city.status_post("어제 시민 체육대회가 열렸습니다")
    festival = city.status_post("벚꽃축제가 토요일에 열립니다")
    exact = city.status_post("축제 열리다 공지")
    ktx = city.status_post("KTX를 타고 오세요")
    lamp = city.status_post("가로등이 고장났어요 고쳐 주세요")

    found = reader.search_v2("열리다", result_type="statuses")
    assert _ids(found.statuses) == _ids([exact, festival, held])  # the exact words first, then newest
    assert found.statuses[0].content.startswith("<p>축제 열리다")
    assert _ids(reader.search_v2("ktx", result_type="statuses").statuses) == _ids([ktx])
    assert _ids(reader.search_v2("고치다", result_type="statuses").statuses) == _ids([lamp])
    assert _ids(reader.search_v2("열리다", result_type="statuses", limit=1, offset=1).statuses) == _ids([festival])
    whole = reader.search_v2("열렸다")
    assert set(whole.keys()) >= {"accounts", "hashtags", "statuses"}  # Mastodon's shape

    web = citizen(server, "webreader")
    page = web.get("/search", params={"q": "고쳐 주다"})
    assert page.status_code == 200 and "고쳐 주세요" in page.text
    post(web, "오늘 노을이 정말 아름다워요")
    assert "노을이 정말" in web.get("/search", params={"q": "아름답다"}).text


def test_people_and_tags_with_a_particle_through_the_api(server: str) -> None:
    app = new_app(server)
    hall, hall_name, _ = register(server, app)
    hall.account_update_credentials(display_name="안양시청")
    hall.status_post("봄맞이 #안양천 걷기")
    found = hall.search_v2("안양시청에서")
    assert [a.acct for a in found.accounts] == [hall_name]
    assert [t.name for t in hall.search_v2("#안양천에서", result_type="hashtags").hashtags] == ["안양천"]
