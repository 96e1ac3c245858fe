"""The browser, its contexts and a demo city behind a real server, for the browser tests
and for bench/screenshots.py (which runs the same pieces outside pytest)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page

from madang.demo.city import CITIZEN_PASSWORD, CITY_USERNAME, DEMO_CITIZEN

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
AXE = Path(__file__).resolve().parents[2] / "js" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "비밀번호는길게1234"
# A demo citizen who also works the city's 민원 desk (src/madang/demo/desk.py), same password.
DEMO_TRIAGER = "dongwook_seo"

_names = itertools.count()


async def launch(playwright: Any) -> Browser:
    """Debian's Chromium: nothing is downloaded, ever (no `playwright install`)."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def new_context(browser: Browser, base: str, *, viewport: dict[str, int] = PHONE,
                      **options: Any) -> BrowserContext:
    context = await browser.new_context(base_url=base, viewport=viewport, locale="ko-KR", timezone_id="Asia/Seoul",
                                  **options)
    context.set_default_timeout(15_000)
    return context


@dataclass(frozen=True)
class DemoCity:
    """What the tests need to know about the demo city behind ``base``."""

    base: str
    city: str  # the city office's username
    citizen: str  # a demo citizen's username and password
    citizen_password: str
    thread_id: str  # a city post with replies
    citizen_post_id: str


def load_demo(database_url: str, port: int, media_path: Path | str | None = None) -> None:
    """`madang demo load` into a migrated database, with URLs for the server on ``port`` (and the demo's
    avatar and photo in the server's ``media_path``)."""
    env = dict(os.environ, MADANG_DATABASE_URL=database_url, MADANG_PORT=str(port), MADANG_HOST="127.0.0.1")
    if media_path is not None:
        env["MADANG_MEDIA_PATH"] = str(media_path)
    subprocess.run([sys.executable, "-m", "madang.cli", "demo", "load"], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=120)


def describe_demo(base: str) -> DemoCity:
    """Finds a thread and a citizen's post through the public API."""
    with httpx.Client(base_url=base, timeout=20) as http:
        def account_id(username: str) -> str:
            return http.get("/api/v1/accounts/lookup", params={"acct": username}).raise_for_status().json()["id"]

        city_posts = http.get(f"/api/v1/accounts/{account_id(CITY_USERNAME)}/statuses",
                              params={"limit": 40}).raise_for_status().json()
        thread = max(city_posts, key=lambda s: s["replies_count"])
        citizen_posts = http.get(f"/api/v1/accounts/{account_id(DEMO_CITIZEN)}/statuses",
                                 params={"limit": 5}).raise_for_status().json()
    return DemoCity(base=base, city=CITY_USERNAME, citizen=DEMO_CITIZEN, citizen_password=CITIZEN_PASSWORD,
                    thread_id=thread["id"], citizen_post_id=citizen_posts[0]["id"] if citizen_posts else thread["id"])


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1].split("/")[0])


def fresh_username(prefix: str = "b") -> str:
    return f"{prefix}{int(time.time() * 1000) % 10**8}{next(_names)}"


async def sign_in(page: Page, login: str, password: str) -> None:
    await page.goto("/auth/sign_in")
    await page.get_by_label("이메일 또는 사용자 이름").fill(login)
    await page.get_by_label("비밀번호", exact=True).fill(password)
    await page.locator("main form[action='/auth/sign_in'] button[type=submit]").click()
    await page.wait_for_url("**/home*")


async def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    violations = await page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || ''))}));
    }""")
    return [v for v in violations if v["impact"] in ("serious", "critical")]
