"""Security regressions of the 민원 web form, the citizen's desk and the office composer, over
HTTP against one real server (SQLite): a photo is refused unless it is an image and not a
decompression bomb, and is kept without GPS; a required attribute is required on the web as on
Open311; a citizen at /desk sees only their own cases; only /desk/new may ask for geolocation."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from madang.db import Database
from madang.models.desk import Case
from madang.models.media import MediaAttachment
from tests.accounts.factories import PASSWORD
from tests.media.images import exif_and_gps, phone_jpeg, png_bomb, tiff
from tests.open311.city import Open311City, make_open311_city
from tests.open311.test_requests import post_request
from tests.support.server import running_server
from tests.web.client import WebClient


class Site:
    def __init__(self, base: str, url: str, media: Path, town: Open311City) -> None:
        self.base, self.url, self.media, self.town = base, url, media, town

    def query(self, statement: Any) -> Any:
        async def go() -> Any:
            db = Database(self.url)
            try:
                async with db.read() as s:
                    return (await s.execute(statement)).all()
            finally:
                await db.dispose()
        return asyncio.run(go())

    def cases(self) -> int:
        return self.query(select(func.count()).select_from(Case))[0][0]

    def person(self, username: str) -> WebClient:
        web = WebClient(self.base)
        assert web.sign_in(username, PASSWORD).status_code == 303
        return web


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_root: Path) -> Iterator[Site]:
    path = tmp_root / "security-webstaff.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"

    async def seed() -> Open311City:
        db = Database(url)
        try:
            return await make_open311_city(db)
        finally:
            await db.dispose()

    town = asyncio.run(seed())
    media = tmp_root / "security-webstaff-media"
    # A lower pixel limit than the default, as the API's media tests use: the bomb is 25 Mpx.
    with running_server(url, media_path=media, media_max_pixels=4_000_000) as base:
        yield Site(base, url, media, town)


def streetlight(**fields: str) -> dict[str, str]:
    return {"organisation": "anyanglove", "kind": "grievance", "category": "streetlight",
            "description": "가로등이 꺼졌습니다", "email": "guest@example.test", "address": "안양역 앞",
            "attribute[pole_number]": "안양-1", **fields}


def files_in(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("name, data", [
    ("not-an-image.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ("scan.jpg", tiff()),
    ("bomb.png", png_bomb()),
])
def test_the_web_form_refuses_a_photo_that_is_no_image_or_a_bomb(site: Site, name: str, data: bytes) -> None:
    before_cases, before_files = site.cases(), files_in(site.media)
    guest = WebClient(site.base)
    guest.get("/desk/new")
    refused = guest.post("/desk/new", streetlight(), files={"photo": (name, data, "image/jpeg")})
    assert refused.status_code == 422 and 'id="f-photo-error"' in refused.text
    assert site.cases() == before_cases and files_in(site.media) == before_files


def test_the_web_forms_photo_is_kept_without_gps(site: Site) -> None:
    citizen = site.person("minsu")
    citizen.get("/desk/new")
    sent = citizen.post("/desk/new", streetlight(), files={"photo": ("lamp.jpg", phone_jpeg(), "image/jpeg")})
    assert sent.status_code == 303
    [(key, small)] = site.query(select(Case.photo_key, Case.photo_small_key).where(Case.photo_key.is_not(None))
                                .order_by(Case.received_at.desc(), Case.id.desc()).limit(1))
    for stored in (key, small):
        exif, gps, info = exif_and_gps((site.media / stored).read_bytes())
        assert gps == {} and "MadangCam" not in str(exif) and "comment" not in info


def test_a_required_attribute_is_required_on_the_web_as_on_open311(site: Site) -> None:
    before = site.cases()
    refused = post_request(site.base, site.town.api_key, **{"attribute[pole_number]": ""})
    assert refused.status_code == 400 and "pole_number" in refused.json()[0]["description"]
    guest = WebClient(site.base)
    guest.get("/desk/new")
    web = guest.post("/desk/new", streetlight(**{"attribute[pole_number]": " "}))
    assert web.status_code == 422 and refused.json()[0]["description"] in web.text
    assert site.cases() == before


def test_a_citizen_at_the_desk_sees_only_their_own_cases(site: Site) -> None:
    mine, theirs = site.person("outsider"), site.person("desk_reader")
    for web, text in ((mine, "outsider의 질문"), (theirs, "열람 직원 본인의 질문")):
        web.get("/desk/new")
        assert web.post("/desk/new", {"organisation": "anyanglove", "kind": "other",
                                      "description": text}).status_code == 303
    page = mine.get("/desk")
    assert page.status_code == 200
    shown = set(re.findall(r'href="/desk/my/(\d+)"', page.text))
    [(outsider_id,)] = site.query(select(Case.citizen_id).where(Case.description == "outsider의 질문"))
    owned = {str(i) for (i,) in site.query(select(Case.id).where(Case.citizen_id == outsider_id))}
    assert shown and shown == owned
    # Staff content stays out of a citizen's desk.
    assert "민원 업무함" not in page.text and "/desk/cases/" not in page.text
    assert WebClient(site.base).get("/desk").status_code == 303  # a guest signs in first


def test_only_the_desk_form_may_ask_for_geolocation(site: Site) -> None:
    form = httpx.get(f"{site.base}/desk/new")
    assert "geolocation=(self)" in form.headers["permissions-policy"]
    for path in ("/", "/about", "/@anyanglove", "/desk/new/attributes?organisation=anyanglove&category=streetlight"):
        assert "geolocation=()" in httpx.get(f"{site.base}{path}").headers["permissions-policy"], path


def test_a_refused_office_photo_leaves_no_rows_or_files(site: Site) -> None:
    before = files_in(site.media)
    admin = site.person("desk_admin")
    assert admin.get("/office/publish").status_code == 200
    # The photo is stored first; the text is then refused: all of it goes.
    refused = admin.post("/office/publish", {"organisation": "anyanglove", "action": "save", "text": "긴 글" * 200},
                         files={"photo": ("a.jpg", phone_jpeg(), "image/jpeg")})
    assert refused.status_code == 422
    assert site.query(select(func.count()).select_from(MediaAttachment))[0][0] == 0
    assert files_in(site.media) == before
