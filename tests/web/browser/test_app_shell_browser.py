"""The web app in a real Chromium (issue 15): the service worker installs and answers a page
with the kept offline page when the network is gone; keyboard shortcuts as in Mastodon's web
move through posts (announced to screen readers), favourite the focused one, open the composer
whose draft survives a reload
and show their help — and stay out of the way while typing."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.browser import site
from tests.web.browser.conftest import OpenContext

pytestmark = pytest.mark.browser


async def test_the_service_worker_keeps_an_offline_page(open_context: OpenContext) -> None:
    context = await open_context(signed_in=True, viewport=site.PHONE)
    page = await context.new_page()
    await page.goto("/home")
    scope = await page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/")
    await page.reload()  # now controlled by the worker
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    await context.set_offline(True)
    try:
        await page.goto("/notifications")
        await expect(page.locator("h1")).to_have_text("인터넷에 연결되어 있지 않습니다")
    finally:
        await context.set_offline(False)
    await page.goto("/notifications")
    await expect(page.locator("h1")).not_to_have_text("인터넷에 연결되어 있지 않습니다")


async def test_keyboard_shortcuts_move_act_and_help(open_context: OpenContext, new_citizen: str) -> None:
    context = await open_context(viewport=site.DESKTOP)
    page = await context.new_page()
    await site.sign_in(page, new_citizen, site.PASSWORD)
    await page.goto("/public/local")
    posts = page.locator("main article.status")
    assert await posts.count() >= 3
    await page.keyboard.press("j")
    first_id = await posts.nth(0).get_attribute("id")
    assert await page.evaluate("document.activeElement.id") == first_id
    await page.keyboard.press("j")
    assert await page.evaluate("document.activeElement.id") == await posts.nth(1).get_attribute("id")
    await expect(page.locator("[data-shortcut-announcer]")).to_contain_text("2/")
    await page.keyboard.press("k")
    assert await page.evaluate("document.activeElement.id") == first_id

    # f favourites the focused post (and f again takes it back).
    favourite = posts.nth(0).locator(".status-actions button.favourite")
    await expect(favourite).to_have_attribute("aria-pressed", "false")
    await page.keyboard.press("f")
    await expect(posts.nth(0).locator(".status-actions button.favourite")).to_have_attribute("aria-pressed", "true")
    await posts.nth(0).focus()
    await page.keyboard.press("f")
    await expect(posts.nth(0).locator(".status-actions button.favourite")).to_have_attribute("aria-pressed", "false")

    # ? shows the help as a dialog; Escape closes it.
    await page.keyboard.press("?")
    dialog = page.locator("dialog#shortcut-help")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("다음 글 / 이전 글")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()

    # n opens the composer on /home; typing j there writes a j.
    await page.goto("/home")
    await page.keyboard.press("n")
    assert await page.evaluate("document.activeElement.id") == "status-text"
    await page.keyboard.type("jk")
    await expect(page.locator("#status-text")).to_have_value("jk")
    # The draft is kept in this browser: a reload brings it back; once sent it is gone.
    await page.reload()
    await expect(page.locator("#status-text")).to_have_value("jk")
    await page.locator("#status-text").fill("안양 예술공원 산책 좋아요")
    await page.locator("form:has(#status-text) button[type=submit]").first.click()
    await page.wait_for_load_state()
    await page.goto("/home")
    await expect(page.locator("#status-text")).to_have_value("")
