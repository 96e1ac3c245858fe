"""The timeline widget on another site: a page from a different loopback origin pastes the snippet,
and Chromium shows the city's latest post in the frame, sized to fit."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.async_api import expect

from tests.web.browser import site

pytestmark = pytest.mark.browser


def _city_homepage(madang_base: str, account: str, oembed_html: str) -> bytes:
    return f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>안양시 누리집</title></head>
<body><h1>안양시 누리집</h1>
<div class="madang-timeline" data-account="{account}" data-limit="5"></div>
<script async src="{madang_base}/static/web/embed.js?v=1"></script>
<h2>시장님 글</h2>
{oembed_html}
</body></html>""".encode()


@pytest.fixture
def homepage(demo: site.DemoCity) -> Iterator[str]:
    """The city's own homepage, served from another origin (another port) than madang."""
    post_url = f"{demo.base}/@{demo.city}/{demo.thread_id}"
    oembed = httpx.get(f"{demo.base}/api/oembed", params={"url": post_url}, timeout=20).raise_for_status().json()
    body = _city_homepage(demo.base, demo.city, oembed["html"])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _latest_city_post(base: str, city: str) -> str:
    """A phrase of the city's newest post of its own (no replies to others, no boosts), via the API."""
    with httpx.Client(base_url=base, timeout=20) as http:
        account_id = http.get("/api/v1/accounts/lookup", params={"acct": city}).raise_for_status().json()["id"]
        newest = http.get(f"/api/v1/accounts/{account_id}/statuses", params={
            "limit": 1, "exclude_replies": "true", "exclude_reblogs": "true"}).raise_for_status().json()[0]
    text = re.sub(r"<[^>]+>", " ", newest["spoiler_text"] or newest["content"])
    return " ".join(text.split())[:20].strip()


async def test_a_page_on_another_origin_shows_the_citys_latest_post(open_context, demo, homepage) -> None:  # type: ignore[no-untyped-def]
    phrase = _latest_city_post(demo.base, demo.city)
    assert homepage.split(":")[2] != demo.base.split(":")[2]  # truly another origin
    page = await (await open_context(viewport=site.DESKTOP)).new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((demo.base, homepage)) else None)
    await page.goto(homepage)

    frame_element = page.locator("div.madang-timeline iframe")
    await expect(frame_element).to_have_attribute("src", f"{demo.base}/@{demo.city}/embed?limit=5")
    frame = page.frame_locator("div.madang-timeline iframe")
    await expect(frame.locator("h1")).to_contain_text("최근 글")
    await expect(frame.locator("article.embed-status").first).to_contain_text(phrase)
    await expect(frame.locator("article.embed-status")).to_have_count(5)

    # The page inside said how tall it is: the frame fits its posts, no scroll bar, no 600px guess.
    await expect(frame_element).not_to_have_css("height", "600px")
    inner = await frame.locator("[data-embed-root]").evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
    outer = await frame_element.evaluate("e => e.getBoundingClientRect().height")
    assert abs(outer - inner) <= 2, (outer, inner)

    # The post pasted from oEmbed shows too, sized by the same script.
    post = page.locator("iframe.madang-embed")
    await expect(page.frame_locator("iframe.madang-embed").locator("article.embed-status")).to_have_count(1)
    await expect(post).not_to_have_css("height", "150px")  # an iframe's default

    # A link in the frame opens the post on madang in a new tab (madang's own pages refuse frames).
    assert await frame.locator("base").get_attribute("target") == "_blank"
    assert outside == [], f"the widget reached other hosts: {outside}"

    # The framed page passes the accessibility check on its own.
    widget = await (await open_context(viewport=site.PHONE, bypass_csp=True)).new_page()  # to inject axe
    await widget.goto(f"/@{demo.city}/embed")
    assert await site.run_axe(widget) == []
