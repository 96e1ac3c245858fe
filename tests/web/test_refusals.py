"""A refused page names the role it needs (web journey 4), in Korean and in English: the desk's
settings, the office's staff page, publishing, records exports and the admin pages, each for
someone signed in who lacks the role."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from madang.db import Database
from madang.models import Account, User
from tests.desk.city import make_city
from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_desk_pages import PASSWORD, text_of

REFUSALS = [  # (who, page, the roles the page names, in Korean and in English)
    ("desk_triager", "/desk/settings/departments", "민원 총괄", "Office admin"),
    ("desk_triager", "/office/staff", "민원 총괄", "Office admin"),
    ("desk_triager", "/office/publish", "민원 총괄 또는 게시 담당 또는 승인 담당", "Office admin or Publisher or Approver"),
    ("desk_triager", "/office/records", "민원 총괄 또는 서버 관리자", "Office admin or Server administrator"),
    ("desk_admin", "/admin", "서버 관리자", "Server administrator"),
]


@dataclass
class Site:
    base: str
    url: str


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from tests.conftest import _fresh_url

    url = _fresh_url("sqlite", request)

    async def setup() -> None:
        db = Database(url)
        try:
            await make_city(db)
        finally:
            await db.dispose()

    asyncio.run(setup())
    with running_server(url, media_path=tmp_path_factory.mktemp("media")) as found:
        yield Site(found, url)


def _speaks(url: str, username: str, locale: str) -> None:
    """A signed-in reader's language is their account's setting."""
    async def go() -> None:
        db = Database(url)
        try:
            async with db.write() as s:
                account_id = select(Account.id).where(Account.username == username).scalar_subquery()
                await s.execute(update(User).where(User.account_id == account_id).values(locale=locale))
        finally:
            await db.dispose()
    asyncio.run(go())


def _signed_in(base: str, username: str) -> WebClient:
    web = WebClient(base)
    assert web.sign_in(username, PASSWORD).status_code == 303
    return web


@pytest.mark.parametrize(("who", "path", "korean", "english"), REFUSALS)
def test_a_refused_page_names_the_role_it_needs(site: Site, who: str, path: str, korean: str, english: str) -> None:
    web = _signed_in(site.base, who)
    page = web.get(path)
    assert page.status_code == 403
    assert f"이 페이지는 {korean} 권한이 필요합니다." in text_of(page.text)
    _speaks(site.url, who, "en")  # before signing in: a session reads its user once
    try:
        page = _signed_in(site.base, who).get(path)
        assert page.status_code == 403
        assert f"This page needs the role of {english}." in text_of(page.text)
    finally:
        _speaks(site.url, who, "ko")


def test_a_refused_form_names_the_role_too(site: Site) -> None:
    triager = _signed_in(site.base, "desk_triager")
    refused = triager.post("/desk/settings/departments", {"name": "환경", "code": "env"})
    assert refused.status_code == 403 and "이 작업은 민원 총괄 권한이 필요합니다." in text_of(refused.text)
