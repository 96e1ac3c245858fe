"""Security keys (WebAuthn) in a real Chromium with a virtual authenticator (DevTools' WebAuthn
domain): a citizen with authenticator codes adds a key on the two-factor settings page, signs in
with it instead of a code, and removes it; a forged answer signs nobody in; turning two-factor
off removes the keys. The server is named localhost: WebAuthn takes no IP address for a site."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import func, select

from madang.db import Database
from madang.models import SecurityKey
from tests.support.server import running_server
from tests.web.browser import site
from tests.web.client import WebClient

pytestmark = pytest.mark.browser
PASSWORD = "비밀번호는길게1234"


@pytest.fixture
def local_base(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with running_server(sqlite_url, media_path=tmp_path / "media", on_localhost=True) as base:
        yield base, sqlite_url


async def _keys(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as s:
            return int(await s.scalar(select(func.count()).select_from(SecurityKey)) or 0)
    finally:
        await db.dispose()


async def _virtual_authenticator(page: Page) -> None:
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    await cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": False,
        "automaticPresenceSimulation": True}})


async def _password_step(page: Page, username: str) -> None:
    await page.goto("/auth/sign_in")
    await page.get_by_label("이메일 또는 사용자 이름").fill(username)
    await page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    await page.locator("main form[action='/auth/sign_in'] button[type=submit]").click()
    await page.wait_for_url("**/auth/sign_in/code*")


async def test_a_security_key_is_added_used_to_sign_in_and_removed(browser: Browser,
                                                                   local_base: tuple[str, str]) -> None:
    base, url = local_base
    username = site.fresh_username("key")
    context = await site.new_context(browser, base)
    page = await context.new_page()
    await _virtual_authenticator(page)
    # Sign up, then turn authenticator codes on (keys come after them, as in Mastodon).
    signer = WebClient(base.replace("localhost", "127.0.0.1"))
    assert signer.sign_up(username, PASSWORD).status_code == 303
    signer.close()
    await site.sign_in(page, username, PASSWORD)
    await page.goto("/settings/two_factor")
    await page.get_by_role("button", name="2단계 인증 켜기").click()
    secret = re.sub(r"\s", "", await page.locator("code.secret").inner_text())
    totp = pyotp.TOTP(secret)
    await page.locator("input[name=code]").fill(totp.now())
    await page.locator("main form[action='/settings/two_factor/confirm'] button[type=submit]").click()
    await expect(page.locator("main")).to_contain_text("한 번만 보여")
    recovery = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", await page.content())

    # Add a key: the virtual authenticator answers the browser's ceremony.
    await page.goto("/settings/two_factor")
    await page.get_by_label("보안 키 이름").fill("사무실 USB 키")
    await page.get_by_role("button", name="보안 키 추가").click()
    await expect(page.locator(".notice")).to_contain_text("보안 키를 등록했습니다")
    await expect(page.locator(".security-keys")).to_contain_text("사무실 USB 키")
    assert await _keys(url) == 1

    # Sign in again: the second step offers the key, and it signs in without a code.
    await context.clear_cookies()
    await _password_step(page, username)
    await page.get_by_role("button", name="보안 키로 로그인").click()
    await page.wait_for_url("**/home*")
    await expect(page.locator(".security-keys")).to_have_count(0)
    await page.goto("/settings/two_factor")
    await expect(page.locator(".security-keys")).to_contain_text("마지막 사용")

    # A forged answer (another origin's, or garbage) signs nobody in.
    await context.clear_cookies()
    await _password_step(page, username)
    ticket = {c["name"]: c["value"] for c in await context.cookies()}
    async with httpx.AsyncClient(base_url=base.replace("localhost", "127.0.0.1"), cookies=ticket, timeout=20) as http:
        token = re.search(r'name="csrf_token" value="([^"]+)"', (await http.get("/auth/sign_in/code")).text)
        assert token
        await http.post("/auth/sign_in/security_key/options", data={"csrf_token": token.group(1)})
        forged = await http.post("/auth/sign_in/security_key", data={
            "csrf_token": token.group(1), "next": "/home",
            "credential": '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}'})
        assert forged.status_code == 401 and "보안 키를 확인하지 못했습니다" in forged.text
        assert "madang_session" not in forged.cookies
    # The code still works as the other way in.
    await page.locator("input[name=code]").fill(totp.at(time.time() + 30))
    await page.locator("main form[action='/auth/sign_in/code'] button[type=submit]").click()
    await page.wait_for_url("**/home*")

    # The same key again is refused by the browser (the server lists it to exclude), and said so.
    await page.goto("/settings/two_factor")
    await page.get_by_label("보안 키 이름").fill("같은 키")
    await page.get_by_role("button", name="보안 키 추가").click()
    await expect(page.locator("[data-webauthn-error]")).to_contain_text("보안 키를 등록하지 못했습니다")
    assert await _keys(url) == 1

    # Removing it; added again, turning two-factor off leaves none behind.
    await page.get_by_role("button", name="사무실 USB 키 삭제").click()
    await expect(page.locator(".notice")).to_contain_text("보안 키를 지웠습니다")
    assert await _keys(url) == 0
    await page.get_by_label("보안 키 이름").fill("다시 등록한 키")
    await page.get_by_role("button", name="보안 키 추가").click()
    await expect(page.locator(".notice")).to_contain_text("보안 키를 등록했습니다")
    assert await _keys(url) == 1
    await page.locator("#off-password").fill(PASSWORD)
    await page.locator("#off-code").fill(recovery[0])
    await page.get_by_role("button", name="2단계 인증 끄기").click()
    await expect(page.locator(".notice")).to_be_visible()
    assert await _keys(url) == 0
    await context.close()
    await asyncio.sleep(0)
