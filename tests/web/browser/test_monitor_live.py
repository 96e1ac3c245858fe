"""The office's live monitor in Chromium: the city's triager watches in one browser context while
a citizen, in a second context, mentions the city; the mention appears on the monitor without a
reload, the pause holds the next one back until resumed, and a handled mark made by the triager
in a second tab shows in the first one live."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.browser import site

pytestmark = pytest.mark.browser


async def _post(page, text: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/home")
    await page.locator("#status-text").fill(text)
    async with page.expect_navigation():
        await page.locator("form.composer button[type=submit]").first.click()


async def test_a_new_mention_arrives_live_and_marks_are_shared(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    staff = await open_context(signed_in="staff", viewport=site.DESKTOP)
    monitor, second_tab = await staff.new_page(), await staff.new_page()
    await monitor.goto("/office/monitor")
    await expect(monitor.get_by_role("heading", name="실시간 모니터", exact=False)).to_be_visible()
    pause = monitor.get_by_role("button", name="실시간 모니터 일시정지")
    await expect(pause).to_be_visible()  # shown only once the script runs
    await expect(pause).to_have_attribute("aria-pressed", "false")

    citizen = await (await open_context(signed_in=True, viewport=site.DESKTOP)).new_page()
    first = "@anyanglove 평촌역 앞 횡단보도 신호가 너무 짧아요"
    await _post(citizen, first)
    item = monitor.locator(".monitor-item", has_text="횡단보도 신호가 너무 짧아요")
    await expect(item).to_be_visible(timeout=15_000)  # live, no reload
    await expect(item.locator(".monitor-reason", has_text="멘션")).to_be_visible()

    # Paused: the next mention waits, and comes when resumed.
    await pause.click()
    await expect(pause).to_have_attribute("aria-pressed", "true")
    await _post(citizen, "@anyanglove 중앙공원 화장실 문이 고장났어요")
    waiting = monitor.locator(".monitor-item", has_text="화장실 문이 고장났어요")
    await expect(monitor.locator("[data-monitor-state]")).to_contain_text("1개가 기다립니다", timeout=15_000)
    assert await waiting.count() == 0
    await pause.click()
    await expect(waiting).to_be_visible(timeout=15_000)

    # Marked handled in another tab: the first tab shows who did it, live.
    await second_tab.goto("/office/monitor")
    other = second_tab.locator(".monitor-item", has_text="횡단보도 신호가 너무 짧아요")
    await other.get_by_role("button", name="처리함으로 표시").click()
    await expect(item.locator("[data-mark]")).to_contain_text("처리함", timeout=15_000)
