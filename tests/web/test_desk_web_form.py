"""The 민원 web form asks what Open311 asks of a category (its attributes, by the same rule, and
a location) and takes a photo stripped of GPS; the staff case page shows all of it. A citizen
who opens /desk gets their own cases; the front, about and profile pages lead to the form."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.models.desk import Case
from tests.accounts.factories import PASSWORD
from tests.desk.city import clock_fixture  # noqa: F401
from tests.media.images import exif_and_gps, phone_jpeg
from tests.open311.city import make_open311_city
from tests.open311.test_requests import count_cases, post_request
from tests.support.server import running_server
from tests.web.client import WebClient

pytestmark = pytest.mark.slow

REFUSAL = "필수 속성 pole_number(가로등 번호(기둥 표찰))이(가) 없습니다"


def streetlight_form(**fields: str) -> dict[str, str]:
    return {"organisation": "anyanglove", "kind": "grievance", "category": "streetlight",
            "description": "가로등이 밤새 꺼져 있습니다", "email": "minji@example.test",
            "address": "안양시 만안구 안양로 1 앞", "attribute[state]": "off", **fields}


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, page[:3000]
    return found.group(1)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_the_web_form_refuses_what_open311_refuses(
    db: Database, database_url: str, clock: FrozenClock, tmp_path: Path,
) -> None:
    town = await make_open311_city(db)
    media = tmp_path / "media"
    with running_server(database_url, media_path=media) as base:
        # Open311: a streetlight request without its pole number is refused.
        open311 = post_request(base, town.api_key, **{"attribute[pole_number]": ""})
        assert open311.status_code == 400 and open311.json()[0]["description"] == REFUSAL

        guest = WebClient(base)
        # The form for the category asks for it (without JavaScript: a plain GET or the 분류 선택 step).
        page = guest.get("/desk/new?org=anyanglove&category=streetlight")
        assert 'name="attribute[pole_number]"' in page.text and "가로등 번호(기둥 표찰)" in page.text
        assert "(필수)" in page.text and 'value="flicker"' in page.text
        step = guest.post("/desk/new", streetlight_form(step="category", description="적던 글"))
        assert step.status_code == 200 and 'name="attribute[pole_number]"' in step.text and "적던 글" in step.text
        fragment = guest.get("/desk/new/attributes?organisation=anyanglove&category=streetlight")
        assert 'name="attribute[pole_number]"' in fragment.text and "<html" not in fragment.text
        assert guest.get("/desk/new/attributes?organisation=anyanglove&category=welfare_question").text.strip() == ""

        # The web form: the same refusal, next to the field, and nothing written.
        refused = guest.post("/desk/new", streetlight_form())
        assert refused.status_code == 422
        assert field_error(refused.text, "f-attr-1") == REFUSAL
        wrong = guest.post("/desk/new", streetlight_form(**{"attribute[pole_number]": "A-1",
                                                            "attribute[state]": "broken"}))
        assert wrong.status_code == 422 and "state의 값은" in wrong.text
        nowhere = guest.post("/desk/new", streetlight_form(**{"attribute[pole_number]": "A-1", "address": ""}))
        assert nowhere.status_code == 422 and "위치" in field_error(nowhere.text, "f-address")
        half = guest.post("/desk/new", streetlight_form(**{"attribute[pole_number]": "A-1", "lat": "37.4"}))
        assert half.status_code == 422 and "lat과 long" in field_error(half.text, "f-location")
        assert await count_cases(db) == (0, 0)

        # A question without a category needs neither attributes nor a place.
        plain = guest.post("/desk/new", {"organisation": "anyanglove", "kind": "question_procedure", "description": "문의",
                                         "email": "minji@example.test"})
        assert plain.status_code == 303, plain.text[:2000]

        # With them, and a phone photo carrying GPS: a case, the photo re-encoded without it.
        sent = guest.post("/desk/new", streetlight_form(**{"attribute[pole_number]": "안양-1234", "lat": "37.4016",
                                                           "long": "126.9228"}),
                          files={"photo": ("lamp.jpg", phone_jpeg(), "image/jpeg")})
        assert sent.status_code == 303, sent.text[:2000]
        async with db.read() as s:
            case = await s.scalar(select(Case).where(Case.category == "streetlight"))
        assert case is not None and case.attribute_values == {"pole_number": "안양-1234", "state": "off"}
        assert (case.address, case.lat, case.long) == ("안양시 만안구 안양로 1 앞", 37.4016, 126.9228)
        assert case.photo_key and case.photo_small_key
        assert case.department_id == town.city.transport.id  # routed as an Open311 request is

        staff = WebClient(base)
        assert staff.sign_in("desk_triager", PASSWORD).status_code == 303
        page = staff.get(f"/desk/cases/{case.number}")
        assert page.status_code == 200
        text = page.text
        for shown in ("가로등 고장", "가로등 번호(기둥 표찰)", "안양-1234", "꺼짐", "안양시 만안구 안양로 1 앞",
                      "37.401600, 126.922800"):
            assert shown in text, shown
        photo = re.search(r'<a href="([^"]+)"><img src="([^"]+)" alt="민원인이 보낸 사진"', text)
        assert photo, text[:4000]
        for url in photo.groups():
            stored = httpx.get(base + url)
            assert stored.status_code == 200
            exif, gps, info = exif_and_gps(stored.content)
            assert gps == {} and "MadangCam" not in str(exif) and "comment" not in info

        # The Open311 case's location and attributes show on the same page.
        assert post_request(base, town.api_key).status_code == 201
        async with db.read() as s:
            number = await s.scalar(select(Case.number).where(Case.channel == "open311"))
        page = staff.get(f"/desk/cases/{number}").text
        assert "안양-1234" in page and "37.401600, 126.922800" in page


async def test_a_photo_that_is_not_an_image_is_refused_and_leaves_nothing(
    db: Database, database_url: str, clock: FrozenClock, tmp_path: Path,
) -> None:
    await make_open311_city(db)
    media = tmp_path / "media"
    with running_server(database_url, media_path=media) as base:
        citizen = WebClient(base)
        assert citizen.sign_in("minsu", PASSWORD).status_code == 303
        citizen.get("/desk/new")
        refused = citizen.post("/desk/new", streetlight_form(**{"attribute[pole_number]": "A-1"}),
                               files={"photo": ("lamp.jpg", b"<html>not a photo</html>", "image/jpeg")})
        assert refused.status_code == 422
        assert "JPEG" in field_error(refused.text, "f-photo")
        # A valid photo with a refused form: the stored files go again.
        later = citizen.post("/desk/new", streetlight_form(**{"attribute[pole_number]": ""}),
                             files={"photo": ("lamp.jpg", phone_jpeg(), "image/jpeg")})
        assert later.status_code == 422
        assert await count_cases(db) == (0, 0) and files_under(media) == []


async def test_a_citizen_at_the_desk_sees_their_own_cases_and_the_form(
    db: Database, database_url: str, clock: FrozenClock, tmp_path: Path,
) -> None:
    await make_open311_city(db)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        writers = {}
        for name, text in (("minsu", "민수의 민원입니다"), ("outsider", "다른 사람의 민원입니다")):
            writers[name] = WebClient(base)
            assert writers[name].sign_in(name, PASSWORD).status_code == 303
            writers[name].get("/desk/new")
            sent = writers[name].post("/desk/new", {"organisation": "anyanglove", "kind": "question_procedure",
                                                    "description": text})
            assert sent.status_code == 303, sent.text[:2000]
        desk = writers["minsu"].get("/desk")
        assert desk.status_code == 200
        assert "내 민원" in desk.text and 'href="/desk/new"' in desk.text and "민원 접수" in desk.text
        async with db.read() as s:
            mine, theirs = [c.id for c in await s.scalars(select(Case).order_by(Case.received_at, Case.id))]
        assert f"/desk/my/{mine}" in desk.text and f"/desk/my/{theirs}" not in desk.text


async def test_the_form_is_linked_where_a_visitor_looks(
    db: Database, database_url: str, clock: FrozenClock, tmp_path: Path,
) -> None:
    await make_open311_city(db)
    with running_server(database_url, media_path=tmp_path / "media") as base:
        visitor = WebClient(base)
        for path in ("/", "/about", "/@anyanglove"):
            page = visitor.get(path)
            assert page.status_code == 200, path
            assert re.search(r'<a class="button primary" href="/desk/new\?org=anyanglove">민원 접수</a>', page.text) \
                or re.search(r'<a href="/desk/new\?org=anyanglove">민원 접수</a>', page.text), path
        # A citizen's own profile is no organisation: no button there.
        assert "/desk/new" not in visitor.get("/@minsu").text
