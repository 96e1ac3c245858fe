"""The composer's live counter (static/web/counter.js) in Chromium, on the real compose page."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import expect

from tests.text.test_counting_cases import CASES_FILE

pytestmark = pytest.mark.browser


async def test_counter_js_counts_every_shared_case_as_the_server_does(open_context) -> None:  # type: ignore[no-untyped-def]
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    page = await (await open_context(signed_in=True)).new_page()
    await page.goto("/compose")
    counted = await page.evaluate(
        "cases => cases.map(c => window.madangCounter.count(c.text, c.spoiler_text || ''))", cases)
    wrong = [(c["note"], c["text"][:60], c["count"], got) for c, got in zip(cases, counted) if got != c["count"]]
    assert wrong == [], "counter.js and the server disagree (note, text, server, counter.js): " + repr(wrong)


async def test_counter_updates_while_typing_and_says_when_over(open_context) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(signed_in=True)).new_page()
    await page.goto("/compose")
    text = page.locator("[data-counter-input]")
    remaining = page.locator("[data-counter-remaining]")
    counter = page.locator(".counter").first
    await expect(remaining).to_have_text("140")

    await text.press_sequentially("안녕하세요 #안양")
    await expect(remaining).to_have_text("131")
    await text.fill("공지 https://anyang.go.kr/notice?id=" + "1" * 80 + " @anyanglove@anyang.go.kr")
    await expect(remaining).to_have_text(str(140 - (3 + 23 + 1 + 11)))
    await expect(counter).not_to_have_class("counter over")

    await text.fill("가" * 141)
    await expect(remaining).to_have_text("-1")
    await expect(counter).to_have_class("counter over")
    await expect(counter).to_contain_text("1자를 넘었습니다")

    await text.fill("가" * 140)
    await expect(remaining).to_have_text("0")
    await expect(counter).not_to_contain_text("넘었습니다")


async def test_counter_announces_only_near_the_limit(open_context) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(signed_in=True)).new_page()
    await page.goto("/compose")
    text = page.locator("[data-counter-input]")
    remaining = page.locator("[data-counter-remaining]")
    live = page.locator("[data-counter-announce]")
    await expect(live).to_have_attribute("aria-live", "polite")

    await text.fill("가" * 100)
    await text.press_sequentially("나다라")  # 37 left: far from the limit, nothing is said
    await expect(remaining).to_have_text("37")
    await expect(live).to_have_text("")

    await text.fill("가" * 121)
    await expect(live).to_have_text("19자 남았습니다.")
    await text.press_sequentially("나다")  # 17 left: the same band, so nothing new is said
    await expect(remaining).to_have_text("17")
    await expect(live).to_have_text("19자 남았습니다.")

    await text.press_sequentially("가" * 9)  # 8 left: said once, on entering the band at 10
    await expect(remaining).to_have_text("8")
    await expect(live).to_have_text("10자 남았습니다.")
    await text.press_sequentially("가" * 10)  # 2 over: said once, on going over
    await expect(page.locator(".counter").first).to_contain_text("2자를 넘었습니다.")
    await expect(live).to_have_text("1자를 넘었습니다. 줄여 주세요.")


async def test_a_draft_kept_after_a_refused_post_is_counted_on_arrival(open_context) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(signed_in=True)).new_page()
    await page.goto("/compose")
    await page.locator("[data-counter-input]").fill("가" * 150)
    await page.locator("form[data-composer] button[type=submit]").click()
    await expect(page.locator("#status-error")).to_be_visible()
    await expect(page.locator("[data-counter-input]")).to_have_value("가" * 150)
    await expect(page.locator("[data-counter-remaining]")).to_have_text("-10")
    await expect(page.locator("[data-counter-announce]")).to_have_text("")
