"""Keyboard only, and no JavaScript at all: the front page, signing in and posting still work."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.web.browser import site

pytestmark = pytest.mark.browser


async def focused(page: Page) -> dict[str, str]:
    return await page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.textContent || '').trim(),
                name: e.getAttribute('name') || ''}; }""")


async def tab_until(page: Page, wanted, limit: int = 60) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Presses Tab until ``wanted(focused element)``: only keys move the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        now = await focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the element; last focused: {now}")


async def test_skip_link_comes_first_and_moves_focus_to_main(desktop: Page) -> None:
    await desktop.goto("/")
    await desktop.keyboard.press("Tab")
    first = await focused(desktop)
    assert first["cls"] == "skip-link" and first["text"] == "본문으로 건너뛰기"
    await expect(desktop.locator(".skip-link")).to_be_in_viewport()
    await desktop.keyboard.press("Enter")
    assert (await focused(desktop))["id"] == "main"
    # The next Tab continues inside main, not back at the header.
    await desktop.keyboard.press("Tab")
    assert await desktop.evaluate("document.querySelector('main').contains(document.activeElement)")


async def test_sign_in_and_post_with_the_keyboard_only(phone: Page, new_citizen: str) -> None:
    await phone.goto("/")
    await tab_until(phone, lambda e: e["id"] == "login")
    await phone.keyboard.type(new_citizen)
    await phone.keyboard.press("Tab")
    assert (await focused(phone))["id"] == "password"
    await phone.keyboard.type(site.PASSWORD)
    await phone.keyboard.press("Enter")
    await phone.wait_for_url("**/home")

    await tab_until(phone, lambda e: e["name"] == "status")
    await phone.keyboard.type("키보드만으로 쓴 글입니다 #안양")
    await expect(phone.locator("[data-counter-remaining]")).to_have_text(str(140 - 17))
    await tab_until(phone, lambda e: e["tag"] == "button" and e["text"] == "게시")
    await phone.keyboard.press("Enter")
    await phone.wait_for_url("**/home?notice=posted")
    await expect(phone.locator("#timeline article").first).to_contain_text("키보드만으로 쓴 글입니다")


async def test_front_page_reading_signing_in_and_posting_without_javascript(open_context, demo,  # type: ignore[no-untyped-def]
                                                                            new_citizen: str) -> None:
    page = await (await open_context(java_script_enabled=False)).new_page()
    await page.goto("/")
    posts = page.locator("#timeline article")
    assert await posts.count() >= 5
    await expect(posts.first).to_contain_text("안양시")

    await page.get_by_label("이메일 또는 사용자 이름").fill(new_citizen)
    await page.get_by_label("비밀번호", exact=True).fill(site.PASSWORD)
    await page.locator("form[action='/auth/sign_in'] button[type=submit]").click()
    await page.wait_for_url("**/home")

    await page.get_by_label("무엇을 이야기하고 싶으세요?").fill("자바스크립트 없이 올린 글")
    await page.locator("form[data-composer] button[type=submit]").click()
    await page.wait_for_url("**/home?notice=posted")
    await expect(page.locator("#timeline article").first).to_contain_text("자바스크립트 없이 올린 글")
    # Nothing ran: the counter still shows what the server rendered.
    await expect(page.locator("[data-counter-remaining]")).to_have_text("140")
