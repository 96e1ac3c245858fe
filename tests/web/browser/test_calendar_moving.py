"""The publishing calendar's week view in Chromium (issue 15): a scheduled post dragged onto
another day moves there (the same move form, posted by calendar.js), the keyboard way moves it
back (the entry's button, arrow keys, announced, Enter), at 360 px the week is one column
with nothing scrolling sideways, and the month view moves by dragging too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from tests.web.browser import site

pytestmark = pytest.mark.browser
TEXT = "브라우저 시험: 다음 주 안양천 걷기 행사 안내"


async def _scheduled_post(open_context, demo, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """The demo city asks for approval: the triager (a publisher) asks, the approver approves."""
    author = await (await open_context(signed_in="staff", viewport=site.DESKTOP)).new_page()
    await author.goto("/office/publish")
    await author.locator("#f-text").fill(TEXT)
    await author.locator("#f-scheduled_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    async with author.expect_navigation():
        await author.get_by_role("button", name="승인 요청").click()
    draft = re.search(r"/office/publish/drafts/(\d+)", author.url)
    assert draft, author.url
    approver = await (await open_context(viewport=site.DESKTOP)).new_page()
    await site.sign_in(approver, "seojin_park", demo.citizen_password)
    await approver.goto(f"/office/publish/drafts/{draft.group(1)}")
    async with approver.expect_navigation():
        await approver.get_by_role("button", name="승인하고 게시").click()
    await expect(approver.locator("body")).to_contain_text("예약됨")


async def test_drag_and_keys_move_a_scheduled_post_and_the_week_fits_360_px(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    when = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=8)).replace(hour=10, minute=0, second=0, microsecond=0)
    await _scheduled_post(open_context, demo, when)
    day = when.date()
    other = day + timedelta(days=-1 if day.weekday() == 6 else 1)  # stays in the same Monday-to-Sunday week
    page = await (await open_context(signed_in="staff", viewport=site.DESKTOP)).new_page()
    await page.goto(f"/office/calendar?view=week&start={day.isoformat()}")
    entry = page.locator("[data-move-entry]", has_text=TEXT)
    await expect(page.locator(f'[data-day="{day.isoformat()}"]').locator("[data-move-entry]", has_text=TEXT)).to_be_visible()

    # Dragging: dropped on the other day, the same time of day.
    async with page.expect_navigation():
        await entry.locator("strong").drag_to(page.locator(f'[data-day="{other.isoformat()}"]'))
    await expect(page.locator("body")).to_contain_text("예약 시각을 옮겼습니다")
    moved = page.locator(f'[data-day="{other.isoformat()}"]').locator("[data-move-entry]", has_text=TEXT)
    await expect(moved).to_be_visible()
    await expect(moved.locator("input[name=scheduled_at]")).to_have_value(f"{other.isoformat()}T10:00")

    # The keyboard way: the entry's button, an arrow per day (announced), Escape undoes, Enter moves.
    handle = moved.get_by_role("button", name=re.compile("^날짜 옮기기"))
    await handle.focus()
    back_key = "ArrowLeft" if other > day else "ArrowRight"
    await page.keyboard.press("ArrowDown")  # an hour later
    await expect(page.locator("#calendar-live")).to_contain_text("옮길까요")
    await page.keyboard.press("Escape")
    await expect(page.locator("#calendar-live")).to_contain_text("되돌렸습니다")
    await expect(moved.locator("input[name=scheduled_at]")).to_have_value(f"{other.isoformat()}T10:00")
    await page.keyboard.press(back_key)
    await expect(page.locator("#calendar-live")).to_contain_text(f"{day.day}일")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await expect(page.locator("body")).to_contain_text("예약 시각을 옮겼습니다")
    home = page.locator(f'[data-day="{day.isoformat()}"]').locator("[data-move-entry]", has_text=TEXT)
    await expect(home).to_be_visible()
    await expect(home.locator("input[name=scheduled_at]")).to_have_value(f"{day.isoformat()}T10:00")

    # At 360 px: the days stack, nothing scrolls sideways, the entry's form still fits, and axe-core
    # finds nothing serious on a week with a movable entry (its CSP bypassed to inject axe).
    phone = await (await open_context(signed_in="staff", viewport=site.PHONE, bypass_csp=True)).new_page()
    await phone.goto(f"/office/calendar?view=week&start={day.isoformat()}")
    await expect(phone.locator("[data-move-entry]", has_text=TEXT)).to_be_visible()
    assert await phone.evaluate("document.scrollingElement.scrollWidth") <= 360
    boxes = [await phone.locator(f'[data-day="{(day - timedelta(days=day.weekday()) + timedelta(days=i)).isoformat()}"]').bounding_box()
             for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"] and boxes[1]["x"] == boxes[0]["x"]  # stacked
    if site.AXE.exists():
        assert await site.run_axe(phone) == []

    # The month view moves the same way: dragged onto another day of the month.
    target = day - timedelta(days=1) if day.day > 1 else day + timedelta(days=1)
    await page.goto(f"/office/calendar?month={day:%Y-%m}")
    async with page.expect_navigation():
        await page.locator("[data-move-entry]", has_text=TEXT).locator("strong").drag_to(
            page.locator(f'td[data-day="{target.isoformat()}"]'))
    await expect(page.locator("body")).to_contain_text("예약 시각을 옮겼습니다")
    await expect(page.locator(f'td[data-day="{target.isoformat()}"]').locator(
        "input[name=scheduled_at]")).to_have_value(f"{target.isoformat()}T10:00")
