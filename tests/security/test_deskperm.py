"""Security regressions of the desk and office permissions (issue 13, deskperm), as HTTP requests
against one real server: staff acting as the organisation from the monitor reach only posts the
monitor shows them, and a refusal does not tell whether an id exists."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from madang.db import Database
from madang.models import Favourite, Status
from madang.models.desk import Case, InboxItem
from madang.models.monitor import MonitorMark
from tests.desk.city import City, make_city
from tests.factories import follow
from tests.support.server import running_server
from tests.web.social import post
from tests.web.test_desk_pages import ok, person, query


@dataclass
class World:
    base: str
    url: str
    city: City


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from tests.conftest import _fresh_url

    url = _fresh_url("sqlite", request)

    async def setup() -> City:
        db = Database(url)
        try:
            city = await make_city(db)
            async with db.write() as s:  # the city follows a citizen: his followers-only posts are visible to it
                await follow(s, city.org, city.citizen)
            return city
        finally:
            await db.dispose()

    city = asyncio.run(setup())
    with running_server(url, media_path=tmp_path_factory.mktemp("media")) as base:
        yield World(base, url, city)


def _count(world: World, model: type, *where) -> int:  # type: ignore[no-untyped-def]
    return query(world.url, select(func.count()).select_from(model).where(*where))[0][0]


@pytest.fixture(scope="module")
def posts(world: World) -> dict[str, str]:
    minsu, outsider = person(world.base, "minsu"), person(world.base, "outsider")
    return {
        # A direct message between two citizens: the city is no party to it.
        "dm": post(minsu, "@outsider 우리 집 비밀번호는 4321이야", visibility="direct"),
        # Followers-only and not addressed to the city, though the city follows minsu.
        "private": post(minsu, "친구들만 보세요: 내일 병원 가요", visibility="private"),
        # Public, but nothing the monitor watches: not the monitor's to act on either.
        "unrelated": post(outsider, "오늘 점심은 김밥"),
        # What the monitor is for: a citizen names the city.
        "mention": post(minsu, "@anyanglove 안양천 산책로 보수 언제 하나요?"),
    }


HIDDEN = ("dm", "private", "unrelated")


@pytest.mark.parametrize("which", HIDDEN)
def test_a_triager_cannot_open_a_case_from_a_post_the_monitor_does_not_show(
        world: World, posts: dict[str, str], which: str) -> None:
    triager = person(world.base, "desk_triager")
    sid = posts[which]
    # The same answer as for an id that does not exist: the id is not confirmed.
    ok(triager.post(f"/office/monitor/items/{sid}/case", {"kind": "question_procedure"}), 404)
    ok(triager.post("/office/monitor/items/1/case", {"kind": "question_procedure"}), 404)
    assert _count(world, Case, Case.source_status_id == int(sid)) == 0
    assert _count(world, InboxItem, InboxItem.source_status_id == int(sid)) == 0
    assert triager.get(f"/office/monitor/items/{sid}").status_code == 404


@pytest.mark.parametrize("which", HIDDEN)
@pytest.mark.parametrize("action", ["favourite", "reblog", "reply", "handled"])
def test_nothing_is_done_as_the_city_to_a_post_the_monitor_does_not_show(
        world: World, posts: dict[str, str], which: str, action: str) -> None:
    admin = person(world.base, "desk_admin")  # office admin: every office right
    sid = int(posts[which])
    form = {"text": "@minsu 확인했습니다"} if action == "reply" else {"handled": "1"} if action == "handled" else {}
    ok(admin.post(f"/office/monitor/items/{sid}/{action}", form), 404)
    assert _count(world, Favourite, Favourite.status_id == sid) == 0
    assert _count(world, Status, Status.reblog_of_id == sid) == 0
    assert _count(world, Status, Status.in_reply_to_id == sid) == 0
    assert _count(world, MonitorMark, MonitorMark.status_id == sid) == 0


def test_staff_without_the_right_are_refused_alike_for_any_id(world: World, posts: dict[str, str]) -> None:
    """An officer with no office role gets the same 403 for a DM's id and a monitored post's:
    the refusal does not depend on the id."""
    officer = person(world.base, "desk_officer")
    for which in ("dm", "mention"):
        assert officer.post(f"/office/monitor/items/{posts[which]}/reblog", {}).status_code == 403


def test_the_monitor_still_acts_on_what_it_shows(world: World, posts: dict[str, str]) -> None:
    admin, triager = person(world.base, "desk_admin"), person(world.base, "desk_triager")
    sid = posts["mention"]
    ok(admin.post(f"/office/monitor/items/{sid}/favourite", {}))
    ok(admin.post(f"/office/monitor/items/{sid}/reblog", {}))
    opened = ok(triager.post(f"/office/monitor/items/{sid}/case", {"kind": "question_procedure"}))
    assert opened.headers["location"].startswith("/desk/cases/")
    assert _count(world, Case, Case.source_status_id == int(sid)) == 1


@pytest.mark.parametrize("before", ["9999999999999999999", "99999999999999999999", "²", "①②"])
def test_a_number_past_64_bits_or_not_ascii_is_a_400_on_staff_pages(world: World, before: str) -> None:
    """Staff pages parsed ids with str.isdigit(): 19 digits past 2**63 overflowed the database
    driver and '²' passed isdigit() but not int(); each was a 500 (issue 13, 500s on bad input)."""
    triager = person(world.base, "desk_triager")
    assert triager.get("/office/monitor", params={"before": before}).status_code == 400
