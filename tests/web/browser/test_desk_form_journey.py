"""In Chromium: a visitor finds 민원 접수 on the front page, picks 가로등 고장, is asked for the pole
number, gives a location (the 내 위치 button) and a photo, and the staff case page shows them;
without JavaScript the category step does the same. At 360 px case numbers and table headers
stay whole, and the publishing calendar is a list. The office composer counts as it is typed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.media.images import phone_jpeg
from tests.web.browser import site
from tests.web.client import WebClient

pytestmark = pytest.mark.browser

POLE = "가로등 기둥에 붙은 관리번호"


async def _fill_the_rest(page: Page) -> None:
    await page.locator("select[name='attribute[state]']").select_option(label="깜빡임")
    await page.get_by_label("내용", exact=True).fill("밤새 가로등이 깜빡여서 길이 어둡습니다")
    await page.get_by_label("주소 또는 장소 설명").fill("안양시청 정문 앞 횡단보도")
    await page.set_input_files("#f-photo", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg",
                                                   "buffer": phone_jpeg()}])
    await page.get_by_label("이메일", exact=True).fill("visitor@example.test")


async def _case_number(page: Page) -> str:
    await page.wait_for_url("**/desk/g/**")
    found = re.search(r"\d{4}-\d{6}", await page.locator("main").inner_text())
    assert found, await page.locator("main").inner_text()
    return found.group(0)


async def test_a_visitor_reports_a_streetlight_and_the_staff_see_everything(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    context = await open_context(viewport=site.PHONE, geolocation={"latitude": 37.3943, "longitude": 126.9568},
                                 permissions=["geolocation"])
    page = await context.new_page()
    await page.goto("/")
    await page.get_by_role("link", name="민원 접수").first.click()
    await page.wait_for_url("**/desk/new*")
    await expect(page.get_by_label(POLE)).to_have_count(0)
    await page.get_by_label("분류", exact=True).select_option(label="가로등 고장")
    # htmx swaps the category's fields in.
    await expect(page.get_by_label(POLE)).to_be_visible()
    await _fill_the_rest(page)
    await page.get_by_role("button", name="내 위치").click()
    await expect(page.locator("#f-lat")).to_have_value("37.394300")
    await expect(page.locator("#f-long")).to_have_value("126.956800")
    # Sent without the pole number: refused, the reason beside the field, what was typed kept.
    await page.get_by_role("button", name="민원 보내기").click()
    await expect(page.locator(".field-error")).to_contain_text("pole_number")
    await expect(page.get_by_label(POLE)).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("주소 또는 장소 설명")).to_have_value("안양시청 정문 앞 횡단보도")
    await page.get_by_label(POLE).fill("안양-5678")
    # A file input never survives a re-rendered form: the photo is chosen again.
    await page.set_input_files("#f-photo", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg",
                                                   "buffer": phone_jpeg()}])
    await page.get_by_role("button", name="민원 보내기").click()
    number = await _case_number(page)

    # bypass_csp only so that axe can be injected (as test_accessibility does).
    staff = await (await open_context(signed_in="staff", viewport=site.DESKTOP, bypass_csp=True)).new_page()
    await staff.goto(f"/desk/cases/{number}")
    main = staff.locator("main")
    for shown in ("가로등 고장", POLE, "안양-5678", "깜빡임", "안양시청 정문 앞 횡단보도", "37.394300, 126.956800"):
        await expect(main).to_contain_text(shown)
    photo = staff.locator("img[alt='민원인이 보낸 사진']")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("i => i.complete && i.naturalWidth > 0")
    for viewport in (site.DESKTOP, site.PHONE):
        await staff.set_viewport_size(viewport)
        assert await site.run_axe(staff) == [], viewport


async def test_without_javascript_the_category_step_asks_for_its_fields(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(viewport=site.PHONE, java_script_enabled=False)).new_page()
    await page.goto(f"/desk/new?org={demo.city}")
    await expect(page.get_by_role("button", name="내 위치")).to_be_hidden()
    await page.get_by_label("내용", exact=True).fill("가로등이 꺼졌습니다")
    await page.get_by_label("분류", exact=True).select_option(label="가로등 고장")
    await page.get_by_role("button", name="분류 선택").click()
    await expect(page.get_by_label(POLE)).to_be_visible()
    await expect(page.get_by_label("내용", exact=True)).to_have_value("가로등이 꺼졌습니다")
    await page.get_by_label(POLE).fill("안양-0001")
    await _fill_the_rest(page)
    await page.get_by_role("button", name="민원 보내기").click()
    assert re.fullmatch(r"\d{4}-\d{6}", await _case_number(page))


WHOLE = """els => els.filter(e => e.offsetParent !== null).map(e => {
    const r = document.createRange(); r.selectNodeContents(e);
    return [e.textContent.trim(), r.getClientRects().length];
})"""


async def test_at_360_px_case_numbers_and_headers_stay_whole(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    guest = WebClient(demo.base)
    try:
        guest.get("/desk/new")
        sent = guest.post("/desk/new", {"organisation": demo.city, "kind": "other", "description": "표에 나올 민원",
                                        "email": "table@example.test"})
        assert sent.status_code == 303, sent.text[:2000]
    finally:
        guest.close()
    page = await (await open_context(signed_in="staff", viewport=site.PHONE)).new_page()
    numbers: list[list] = []  # type: ignore[type-arg]
    headers: list[list] = []  # type: ignore[type-arg]
    for path in ("/desk?tab=department", "/desk?tab=overdue", "/desk/dashboard"):
        response = await page.goto(path)
        assert response is not None and response.status == 200, path
        numbers += await page.locator(".desk-case-number").evaluate_all(WHOLE)
        headers += await page.locator(".desk-table th[scope=col]").evaluate_all(WHOLE)
        assert await page.evaluate("document.scrollingElement.scrollWidth") <= 360, path
    assert numbers and headers
    # One line box each: a number or a header broken over lines has two or more.
    assert [n for n in numbers if n[1] != 1] == []
    assert [h for h in headers if h[1] != 1] == []


async def test_at_360_px_the_calendar_is_a_list(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(signed_in="staff", viewport=site.PHONE)).new_page()
    response = await page.goto("/office/calendar")
    assert response is not None and response.status == 200
    await expect(page.locator(".office-calendar thead")).to_be_hidden()
    days = await page.locator(".office-calendar td").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().width)")
    assert days, "today at least is listed"
    assert min(days) > 300  # a day takes the width, not a seventh of a scrolled grid
    wrap = page.locator(".office-calendar").locator("xpath=..")
    assert await wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    await expect(page.locator(".office-today .office-weekday")).to_be_visible()


async def test_the_office_composer_counts_as_it_is_typed(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(signed_in="staff", viewport=site.PHONE)).new_page()
    await page.goto("/office/publish")
    remaining = page.locator("#f-text-counter [data-counter-remaining]")
    await page.locator("#f-text").fill("안양천 벚꽃 축제 https://example.kr/a/very/long/path/to/the/festival/page")
    # 10 graphemes before the link (spaces included) and a link counted as 23.
    await expect(remaining).to_have_text(str(140 - 10 - 23))
    await page.locator("#f-text").fill("가" * 145)
    await expect(page.locator("#f-text-counter")).to_contain_text("5자를 넘었습니다")
