"""One Chromium and one server over the demo city for these tests, a fresh context per test.

Both are package-scoped, so they stop once the browser tests are done instead of idling
(a server's job worker polls) through the rest of the suite.

Playwright's async API on pytest-asyncio's session loop: the sync API would hold an event
loop running on the main thread for as long as the browser lives, and every later test
that runs a loop of its own would then fail.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support.server import running_server
from tests.web.browser import site
from tests.web.client import WebClient

OpenContext = Callable[..., Awaitable[BrowserContext]]


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await site.launch(playwright)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="package")
def demo(sqlite_template: Path, tmp_root: Path) -> Iterator[site.DemoCity]:
    """A real server on SQLite with the demo city loaded (about 50 citizens and their posts)."""
    path = tmp_root / "browser-demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    with running_server(url, media_path=tmp_root / "browser-media") as base:
        site.load_demo(url, site.port_of(base), tmp_root / "browser-media")
        yield site.describe_demo(base)


@pytest.fixture(scope="package")
async def citizen_state(browser: Browser, demo: site.DemoCity, tmp_root: Path) -> Path:
    """The demo citizen's signed-in cookies, saved once; tests that sign out use their own account."""
    context = await site.new_context(browser, demo.base)
    await site.sign_in(await context.new_page(), demo.citizen, demo.citizen_password)
    state = tmp_root / "browser-citizen.json"
    await context.storage_state(path=str(state))
    await context.close()
    return state


@pytest.fixture(scope="package")
async def staff_state(browser: Browser, demo: site.DemoCity, tmp_root: Path) -> Path:
    """A demo desk staff member's (the city's triager) signed-in cookies, saved once."""
    context = await site.new_context(browser, demo.base)
    await site.sign_in(await context.new_page(), site.DEMO_TRIAGER, demo.citizen_password)
    state = tmp_root / "browser-staff.json"
    await context.storage_state(path=str(state))
    await context.close()
    return state


@pytest.fixture
async def open_context(browser: Browser, demo: site.DemoCity, citizen_state: Path,
                       staff_state: Path) -> AsyncIterator[OpenContext]:
    """``await open_context(viewport=..., signed_in=True, **playwright_options)``; closed after the test.
    ``signed_in=True`` is the demo citizen, ``signed_in="staff"`` the city's desk triager."""
    opened: list[BrowserContext] = []

    async def make(*, signed_in: bool | str = False, viewport: dict[str, int] = site.PHONE,
                   **options: Any) -> BrowserContext:
        if signed_in:
            options["storage_state"] = str(staff_state if signed_in == "staff" else citizen_state)
        context = await site.new_context(browser, demo.base, viewport=viewport, **options)
        opened.append(context)
        return context

    yield make
    for context in opened:
        await context.close()


@pytest.fixture
async def phone(open_context: OpenContext) -> Page:
    return await (await open_context(viewport=site.PHONE)).new_page()


@pytest.fixture
async def desktop(open_context: OpenContext) -> Page:
    return await (await open_context(viewport=site.DESKTOP)).new_page()


@pytest.fixture
def new_citizen(demo: site.DemoCity) -> str:
    """A fresh account (signed up over HTTP, not in the browser); its password is site.PASSWORD."""
    username = site.fresh_username()
    client = WebClient(demo.base)
    try:
        response = client.sign_up(username, site.PASSWORD)
        assert response.status_code == 303, response.text[:300]
    finally:
        client.close()
    return username
