"""Servers a citizen blocks for themselves, on the web (decision 0044), on SQLite and
PostgreSQL: the 서버 차단 button of a remote profile asks first, then blocks; the profile says so
and offers to unblock; the settings page lists the blocked servers (Unicode names shown),
blocks a typed domain, refuses a malformed one in Korean, and unblocks."""

from __future__ import annotations

import asyncio
import html

from sqlalchemy import select, update

from madang.db.database import Database
from madang.models import Account, User
from madang.models.account_domain_blocks import AccountDomainBlock
from tests.web.client import WebClient
from tests.web.test_profiles import citizen
from tests.web.test_remote_profiles import _remote


def _blocked(database_url: str, username: str) -> list[str]:
    async def go() -> list[str]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                owner = select(Account.id).where(Account.username == username, Account.domain.is_(None))
                return sorted(await s.scalars(select(AccountDomainBlock.domain)
                                              .where(AccountDomainBlock.account_id.in_(owner))))
        finally:
            await db.dispose()
    return asyncio.run(go())


def _english(database_url: str, username: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                owner = select(Account.id).where(Account.username == username, Account.domain.is_(None))
                await s.execute(update(User).where(User.account_id.in_(owner)).values(locale="en"))
        finally:
            await db.dispose()
    asyncio.run(go())


def test_a_citizen_blocks_a_server_from_a_profile_and_manages_the_list(database_url: str, web_base: str) -> None:
    _remote(database_url, "hana")
    minji = citizen(web_base, "minji_servers")
    profile = minji.get("/@hana@far.example")
    link = "/settings/domain_blocks/confirm?domain=far.example&amp;next=/%40hana%40far.example"
    assert "far.example 서버 차단" in profile.text and link in profile.text

    ask = minji.get(html.unescape(link))
    assert ask.status_code == 200 and "far.example 서버 전체를 차단할까요?" in ask.text
    assert _blocked(database_url, "minji_servers") == []  # asking changes nothing
    done = minji.post("/settings/domain_blocks", {"domain": "far.example", "next": "/@hana@far.example"})
    assert done.status_code == 303 and done.headers["location"].startswith("/@hana@far.example")
    after = minji.follow(done)
    assert "이 계정의 서버를 차단했습니다." in after.text and "far.example 서버 차단 해제" in after.text
    assert _blocked(database_url, "minji_servers") == ["far.example"]

    page = minji.get("/settings/domain_blocks")
    assert page.status_code == 200 and 'aria-current="page">차단한 서버' in page.text and "far.example" in page.text
    typed = minji.follow(minji.post("/settings/domain_blocks", {"domain": "한국.kr"}))
    assert "한국.kr" in typed.text and "(xn--3e0b707e.kr)" in typed.text
    bad = minji.post("/settings/domain_blocks", {"domain": "https://spam.example"})
    assert bad.status_code == 422 and "도메인 형식이 올바르지 않습니다" in bad.text
    assert 'value="https://spam.example"' in bad.text

    gone = minji.follow(minji.post("/settings/domain_blocks/unblock", {"domain": "far.example"}))
    assert "도메인 차단을 해제했습니다." in gone.text
    assert _blocked(database_url, "minji_servers") == ["xn--3e0b707e.kr"]
    assert "far.example 서버 차단" in minji.get("/@hana@far.example").text  # offered again

    _english(database_url, "minji_servers")
    english_reader = WebClient(web_base)  # a new sign-in reads the setting
    assert english_reader.sign_in("minji_servers", "비밀번호는길게1234").status_code == 303
    english = english_reader.get("/settings/domain_blocks")
    assert "Blocked servers" in english.text and "Servers you blocked" in english.text
    assert minji.get("/@minji_servers").text.count("서버 차단") == 0  # a local profile has no server to block
    assert WebClient(web_base).get("/settings/domain_blocks").status_code in (302, 303)  # signed in only
