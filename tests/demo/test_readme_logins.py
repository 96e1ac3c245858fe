"""The README's demo logins reach every page the README says they reach (issue 13, web journey 4):
the table is read from README.md, so the README, `madang demo logins` and the demo's data cannot
drift apart, and each login signs in on a real server over the loaded demo and opens each page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from madang.demo.city import CITY
from tests.demo.served import demo_database
from tests.support.server import running_server
from tests.web.client import WebClient

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([a-z0-9_]+)` \| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$")


def readme_logins() -> list[tuple[str, str, list[str]]]:
    section = README.read_text(encoding="utf-8").split("## The demo city", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line.strip()) for line in section.splitlines()]
    return [(m[1], m[2], re.findall(r"`(/[^`]*)`", m[4])) for m in rows if m]


def test_the_readme_lists_exactly_the_printed_logins() -> None:
    table = readme_logins()
    assert table == [(login.username, login.password, list(login.opens)) for login in CITY.printed_logins()]
    for username, _, pages in table:
        assert pages, username
    opened = {page for _, _, pages in table for page in pages}
    # Journey 4: the staff pages README promises, and the instance's admin pages.
    assert {"/desk", "/office", "/office/records", "/desk/settings", "/office/staff", "/admin"} <= opened


@pytest.fixture(scope="module")
def demo_server(sqlite_template: Path, tmp_root: Path) -> Iterator[str]:
    url, media = demo_database(sqlite_template, tmp_root / "readme-logins")
    with running_server(url, media_path=media) as base:
        yield base


@pytest.mark.parametrize(("username", "password", "pages"), readme_logins(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_readme_login_signs_in_and_opens_its_pages(demo_server: str, username: str, password: str,
                                                         pages: list[str]) -> None:
    client = WebClient(demo_server)
    try:
        signed_in = client.sign_in(username, password)
        assert signed_in.status_code == 303 and "/auth/sign_in" not in signed_in.headers["location"], signed_in.text[:300]
        for page in pages:
            response = client.get(page)
            while response.is_redirect and response.headers["location"].startswith(page + "/"):
                response = client.follow(response)  # /desk/settings opens its first section
            assert response.status_code == 200, (username, page, response.status_code, response.text[:300])
            assert 'action="/auth/sign_in"' not in response.text or page == "/settings/profile", (username, page)
    finally:
        client.close()


def test_the_office_admin_sees_the_mayor_flagged_and_the_city_not(demo_server: str) -> None:
    """The demo's health check, run by its office admin: the mayor is flagged ("후보" in his bio, with
    the particle that word takes), the city is not (it has its avatar now)."""
    admin = WebClient(demo_server)
    try:
        assert admin.sign_in("jiyoung_choi", "citizen-demo").status_code == 303
        admin.get("/office/health")
        assert admin.post("/office/health/check").status_code == 303
        page = admin.get("/office/health").text
        board = page.split('id="h-open"', 1)[1].split("</table>", 1)[0]
        assert "@choidaeho777" in board and "프로필에 ‘후보’가 남아 있습니다." in board
        assert "이(가)" not in page
        assert "@anyanglove" not in board
    finally:
        admin.close()


def test_the_city_has_its_avatar_and_the_visit_its_photo(demo_server: str) -> None:
    """Served as any upload is: the city's avatar, and the photo the "사진 올려요" post promised."""
    import httpx

    with httpx.Client(base_url=demo_server, timeout=20) as http:
        city = http.get("/api/v1/accounts/lookup", params={"acct": "anyanglove"}).json()
        assert not city["avatar"].endswith("/avatars/original/missing.png"), city["avatar"]
        avatar = http.get(city["avatar"])
        assert avatar.status_code == 200 and avatar.headers["content-type"].startswith("image/")
        posts = http.get(f"/api/v1/accounts/{city['id']}/statuses", params={"only_media": "true"}).json()
        [post] = [p for p in posts if "사진 올려요" in p["content"]]
        [photo] = post["media_attachments"]
        assert photo["type"] == "image" and photo["description"]
        image = http.get(photo["url"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        page = http.get(f"/@anyanglove/{post['id']}").text
        assert photo["description"] in page
