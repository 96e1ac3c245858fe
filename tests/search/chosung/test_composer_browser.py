"""The composer's @ and # suggestions (static/web/compose_suggest.js) in Chromium against a real
server: 초성 and a partly typed syllable, picked with the keyboard and with a click."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server
from tests.web.browser import site

pytestmark = pytest.mark.browser


@pytest.fixture
def city(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    with running_server(sqlite_url, media_path=tmp_path / "media") as base:
        app = new_app(base)
        hall, _, _ = register(base, app, "anyang_city")
        hall.account_update_credentials(display_name="안양시청")
        hall.status_post("시청 소식 #안양시청 #안양")
        _, reader, password = register(base, app)
        yield base, reader, password


async def test_typing_initials_suggests_and_a_pick_completes_the_word(city: tuple[str, str, str]) -> None:
    base, reader, password = city
    async with async_playwright() as playwright:
        browser = await site.launch(playwright)
        try:
            page = await (await site.new_context(browser, base)).new_page()
            await site.sign_in(page, reader, password)
            await page.goto("/compose")
            box = page.locator("#status-text")
            options = page.get_by_role("listbox").get_by_role("option")
            await box.press_sequentially("안녕하세요 @ㅇㅇㅅ")
            await expect(page.get_by_role("listbox")).to_be_visible()
            await expect(options).to_have_count(1)
            await expect(options.first).to_contain_text("안양시청")
            await box.press("Enter")
            await expect(box).to_have_value("안녕하세요 @anyang_city ")
            await expect(page.get_by_role("listbox")).to_be_hidden()

            await box.press_sequentially("#안야")
            await expect(options).to_have_count(2)
            await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
            await box.press("ArrowDown")
            await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
            await options.nth(0).click()
            await expect(box).to_have_value("안녕하세요 @anyang_city #안양 ")
            await expect(page.locator("[data-counter-remaining]")).to_have_text(str(140 - len("안녕하세요 @anyang_city #안양 ")))
        finally:
            await browser.close()
