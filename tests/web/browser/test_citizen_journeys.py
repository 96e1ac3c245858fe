"""Journeys that used to dead-end (issue 13), clicked through in Chromium as new citizens would,
at 360 px and 1280 px: approving a follow request from its notification, editing a post and
reading its history, making a poll that another citizen votes in, and a direct message that
is marked as one and listed among direct messages. Each page visited is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.web.browser import site
from tests.web.client import WebClient
from tests.web.social import eventually

pytestmark = pytest.mark.browser


async def _signed_in(open_context, username: str, viewport: dict[str, int]) -> Page:  # type: ignore[no-untyped-def]
    # bypass_csp only so that axe can be injected (as test_accessibility does).
    context: BrowserContext = await open_context(viewport=viewport, bypass_csp=True)
    page = await context.new_page()
    await site.sign_in(page, username, site.PASSWORD)
    return page


async def _no_axe_violations(page: Page) -> None:
    found = await site.run_axe(page)
    assert not found, found
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _web(demo, username: str) -> WebClient:  # type: ignore[no-untyped-def]
    web = WebClient(demo.base)
    assert web.sign_in(username, site.PASSWORD).status_code == 303
    return web


@pytest.mark.parametrize("viewport", [site.PHONE, site.DESKTOP], ids=["360px", "1280px"])
async def test_a_locked_account_approves_a_follow_request_from_the_notification(
        open_context, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    owner, asker = site.fresh_username("lock"), site.fresh_username("ask")
    for name in (owner, asker):
        assert WebClient(demo.base).sign_up(name, site.PASSWORD).status_code == 303
    page = await _signed_in(open_context, owner, viewport)
    await page.goto("/settings/profile")
    await page.get_by_label("팔로우 요청을 직접 승인하기").check()
    await page.locator("main form button[type=submit].primary").first.click()
    await expect(page.locator(".notice")).to_be_visible()

    asking = await _signed_in(open_context, asker, viewport)
    await asking.goto(f"/@{owner}")
    await asking.get_by_role("button", name="팔로우 요청").click()
    await expect(asking.get_by_text("팔로우 요청됨")).to_be_visible()

    owner_web = _web(demo, owner)
    eventually(lambda: "님이 팔로우를 요청했습니다." in owner_web.get("/notifications").text)
    await page.goto("/notifications")
    item = page.locator("article.notification-follow_request").first
    await expect(item).to_contain_text("님이 팔로우를 요청했습니다.")
    await _no_axe_violations(page)
    await item.get_by_role("button", name="승인").click()
    await expect(page.get_by_role("status").filter(has_text="팔로우 요청을 승인했습니다.")).to_be_visible()
    await expect(page.locator("article.notification-follow_request").first.get_by_role("button", name="승인")) \
        .to_have_count(0)
    await page.goto("/follow_requests")
    await expect(page.get_by_text("기다리는 팔로우 요청이 없습니다.")).to_be_visible()
    await _no_axe_violations(page)

    await asking.goto(f"/@{owner}")
    await expect(asking.get_by_text("팔로우 중")).to_be_visible()


@pytest.mark.parametrize("viewport", [site.PHONE, site.DESKTOP], ids=["360px", "1280px"])
async def test_a_citizen_edits_a_post_and_sees_its_history(open_context, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    author = site.fresh_username("edit")
    assert WebClient(demo.base).sign_up(author, site.PASSWORD).status_code == 303
    page = await _signed_in(open_context, author, viewport)
    await page.goto("/compose")
    await page.get_by_label("무엇을 이야기하고 싶으세요?").fill("시청 민원실은 6시에 닫습니다")
    await page.get_by_role("button", name="게시").click()
    await page.goto(f"/@{author}")
    card = page.locator("article.status").first
    await card.get_by_role("link", name="수정하기").click()
    await expect(page.get_by_role("heading", name="글 수정")).to_be_visible()
    await _no_axe_violations(page)
    text = page.get_by_label("고칠 내용")
    await expect(text).to_have_value("시청 민원실은 6시에 닫습니다")
    await text.fill("시청 민원실은 7시에 닫습니다")
    await page.get_by_role("button", name="수정 저장").click()
    await expect(page.get_by_role("status").filter(has_text="글을 수정했습니다.")).to_be_visible()
    await expect(page.locator("article.status").first).to_contain_text("7시에 닫습니다")
    await page.locator("article.status").first.get_by_role("link", name=re.compile("수정됨")).click()
    await expect(page.get_by_role("heading", name="수정 기록")).to_be_visible()
    revisions = page.locator("li.revision")
    await expect(revisions).to_have_count(2)
    await expect(revisions.nth(0)).to_contain_text("7시에 닫습니다")
    await expect(revisions.nth(1)).to_contain_text("6시에 닫습니다")
    await _no_axe_violations(page)


@pytest.mark.parametrize("viewport", [site.PHONE, site.DESKTOP], ids=["360px", "1280px"])
async def test_a_citizen_makes_a_poll_and_another_votes(open_context, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    author, voter = site.fresh_username("poll"), site.fresh_username("vote")
    for name in (author, voter):
        assert WebClient(demo.base).sign_up(name, site.PASSWORD).status_code == 303
    page = await _signed_in(open_context, author, viewport)
    await page.goto("/compose")
    await page.get_by_label("무엇을 이야기하고 싶으세요?").fill("동네 축제는 언제가 좋을까요?")
    await page.get_by_text("투표 만들기").click()
    await page.get_by_label("항목 1", exact=True).fill("5월")
    await page.get_by_label("항목 2", exact=True).fill("10월")
    await page.get_by_label("투표 기간").select_option(label="3일")
    await _no_axe_violations(page)
    await page.get_by_role("button", name="게시").click()
    await expect(page.get_by_role("status").filter(has_text="게시했습니다.")).to_be_visible()

    voting = await _signed_in(open_context, voter, viewport)
    await voting.goto(f"/@{author}")
    poll = voting.locator(".poll").first
    await expect(poll.get_by_role("group", name=re.compile("투표"))).to_be_visible()
    await _no_axe_violations(voting)
    await poll.get_by_label("10월").check()
    await poll.get_by_role("button", name="투표하기").click()
    await expect(voting.get_by_role("status").filter(has_text="투표했습니다.")).to_be_visible()
    results = voting.locator(".poll").first
    await expect(results.get_by_role("list", name="투표 결과")).to_be_visible()
    await expect(results.locator("li.mine")).to_contain_text("10월")
    await expect(results.locator("li.mine")).to_contain_text("100%")
    await expect(results.get_by_role("button", name="투표하기")).to_have_count(0)
    await _no_axe_violations(voting)

    await page.goto(f"/@{author}")
    await expect(page.locator(".poll").first).to_contain_text("1명 참여")


@pytest.mark.parametrize("viewport", [site.PHONE, site.DESKTOP], ids=["360px", "1280px"])
async def test_a_direct_message_is_marked_and_in_the_direct_message_view(
        open_context, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    sender, reader = site.fresh_username("dm"), site.fresh_username("rd")
    for name in (sender, reader):
        assert WebClient(demo.base).sign_up(name, site.PASSWORD).status_code == 303
    page = await _signed_in(open_context, sender, viewport)
    await page.goto("/conversations")
    await page.get_by_role("link", name="개인 메시지 쓰기").click()
    await expect(page.get_by_label("공개 범위")).to_have_value("direct")
    await page.get_by_label("무엇을 이야기하고 싶으세요?").fill(f"@{reader} 민원 접수 번호는 2026-123입니다")
    await page.get_by_role("button", name="게시").click()

    reading = await _signed_in(open_context, reader, viewport)
    reader_web = _web(demo, reader)
    eventually(lambda: "2026-123" in reader_web.get("/notifications").text)
    await reading.goto("/notifications")
    card = reading.locator("article.status", has_text="2026-123").first
    await expect(card.locator(".visibility")).to_have_text(re.compile("개인 메시지"))
    eventually(lambda: "2026-123" in reader_web.get("/conversations").text)
    await reading.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="개인 메시지").click()
    await expect(reading.get_by_role("heading", name="개인 메시지", exact=True)).to_be_visible()
    conversation = reading.locator("li.conversation").first
    await expect(conversation).to_contain_text("2026-123")
    await expect(conversation.locator(".visibility")).to_have_text(re.compile("개인 메시지"))
    await _no_axe_violations(reading)


async def test_one_pause_button_on_the_monitor_and_on_a_timeline_none_elsewhere(open_context) -> None:  # type: ignore[no-untyped-def]
    staff = await (await open_context(signed_in="staff", viewport=site.DESKTOP)).new_page()
    await staff.goto("/office/monitor")
    await expect(staff.get_by_role("button", name="실시간 모니터 일시정지")).to_be_visible()
    await expect(staff.get_by_role("button", name=re.compile("일시정지"))).to_have_count(1)
    citizen = await (await open_context(signed_in=True, viewport=site.PHONE)).new_page()
    await citizen.goto("/home")
    await expect(citizen.get_by_role("button", name="실시간 업데이트 일시정지")).to_be_visible()
    await expect(citizen.get_by_role("button", name=re.compile("일시정지"))).to_have_count(1)
    for path in ("/notifications", "/settings/profile", "/conversations"):
        await citizen.goto(path)
        await expect(citizen.get_by_role("button", name=re.compile("일시정지"))).to_have_count(0)
