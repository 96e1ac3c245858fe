"""oEmbed for posts, the framed post and timeline pages, who may frame them, and the snippet's script."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from urllib.parse import quote

import httpx

import madang.web
from madang.accounts import find_account_by_acct
from madang.db.database import Database
from madang.desk.organisations import add_staff
from tests.web.client import WebClient
from tests.web.test_profiles import citizen, make_official, post

STATIC = Path(madang.web.__file__).parent / "static" / "web"


def _post_id(web: WebClient, username: str, text: str) -> str:
    """The id of the viewer's own post with ``text``, from their profile page."""
    page = web.get(f"/@{username}/with_replies").text
    for found in re.finditer(r'<article[^>]*>.*?</article>', page, re.DOTALL):
        if text in found.group(0):
            return re.search(rf'href="/@{username}/(\d+)"', found.group(0)).group(1)  # type: ignore[union-attr]
    raise AssertionError(f"{text!r} is not on @{username}'s profile")


def _oembed(base: str, **params: str) -> httpx.Response:
    return httpx.get(base + "/api/oembed", params=params, timeout=20)


def test_oembed_describes_a_public_post_and_frames_its_embed_page(web_base: str) -> None:
    city = citizen(web_base, "anyang", display_name="안양시청")
    post(city, "안양천 벚꽃 축제가 열립니다 #안양")
    post(city, "팔로워에게만 알리는 글", visibility="private")
    public_id = _post_id(city, "anyang", "벚꽃 축제")
    private_id = _post_id(city, "anyang", "팔로워에게만")
    url = f"{web_base}/@anyang/{public_id}"

    answer = _oembed(web_base, url=url)
    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("type", "version", "author_name", "author_url", "provider_url", "width", "height")} == {
        "type": "rich", "version": "1.0", "author_name": "안양시청", "author_url": f"{web_base}/@anyang",
        "provider_url": web_base + "/", "width": 400, "height": None}
    assert body["provider_name"] == web_base.split("//")[1] and body["cache_age"] > 0
    assert body["title"] == "안양천 벚꽃 축제가 열립니다 #안양"
    src = re.search(r'<iframe src="([^"]+)" class="madang-embed"', body["html"]).group(1)  # type: ignore[union-attr]
    assert src == f"{url}/embed"
    assert f'<script src="{web_base}/static/web/embed.js' in body["html"]

    # The iframe's page shows the post, Korean first.
    framed = httpx.get(src, timeout=20)
    assert framed.status_code == 200 and "안양천 벚꽃 축제가 열립니다" in framed.text
    assert '<html lang="ko"' in framed.text and "안양시청" in framed.text

    # The post's page tells consumers where its oEmbed is.
    page = WebClient(web_base).get(f"/@anyang/{public_id}").text
    href = html.unescape(re.search(  # type: ignore[union-attr]
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page).group(1))
    assert href == f"{web_base}/api/oembed?format=json&url={quote(url, safe='')}"
    assert httpx.get(href, timeout=20).json()["html"] == body["html"]

    sized = _oembed(web_base, url=url, maxwidth="300", maxheight="200").json()
    assert (sized["width"], sized["height"]) == (300, 200) and 'width="300" height="200"' in sized["html"]
    assert _oembed(web_base, url=f"{web_base}/statuses/{public_id}").status_code == 200

    # What may not be embedded is not found, whoever asks; bad input is a 4xx with a JSON error.
    for bad in (f"{web_base}/@anyang/{private_id}", f"https://example.com/@anyang/{public_id}",
                f"{web_base}/@someone/{public_id}", f"{web_base}/@anyang", f"{web_base}/@anyang/99999999999999999999",
                "not a url"):
        refused = _oembed(web_base, url=bad)
        assert refused.status_code == 404, bad
        assert refused.json() == {"error": "Record not found"}
    assert "json+oembed" not in city.get(f"/@anyang/{private_id}").text
    assert httpx.get(f"{web_base}/@anyang/{private_id}/embed", timeout=20).status_code == 404
    assert _oembed(web_base, url=url, format="xml").status_code == 501
    assert _oembed(web_base).status_code == 400 and "error" in _oembed(web_base).json()
    assert _oembed(web_base, url=url, maxwidth="넓게").status_code == 400


def test_only_the_embeds_may_be_framed_by_other_sites(sqlite_web_base: str) -> None:
    base = sqlite_web_base
    city = citizen(base, "anyang")
    post(city, "안녕하세요")
    status_id = _post_id(city, "anyang", "안녕하세요")
    for path in (f"/@anyang/{status_id}/embed", "/@anyang/embed"):
        response = httpx.get(base + path, timeout=20)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors *" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert "x-frame-options" not in response.headers
        # No inline script or style: the CSP would block them (and embed_frame.js is a file).
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text) and " style=" not in response.text
        assert '<script src="/static/web/embed_frame.js' in response.text
        assert response.headers["cache-control"].startswith("public")
    for path in ("/", "/@anyang", f"/@anyang/{status_id}", "/tags/안양"):
        response = httpx.get(base + path, timeout=20)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY", path


def test_the_widget_lists_the_citys_latest_public_posts(sqlite_web_base: str) -> None:
    base = sqlite_web_base
    city = citizen(base, "anyanglove", display_name="안양시")
    for n in range(12):
        post(city, f"안양시 소식 {n}호")
    post(city, "팔로워 전용 소식", visibility="private")
    widget = httpx.get(base + "/@anyanglove/embed", timeout=20)
    assert widget.status_code == 200
    assert "안양시의 최근 글" in widget.text
    shown = re.findall(r"안양시 소식 (\d+)호", widget.text)
    assert shown == [str(n) for n in range(11, 1, -1)]  # the ten newest, newest first
    assert "팔로워 전용" not in widget.text
    assert 'href="/@anyanglove"' in widget.text and '<base target="_blank">' in widget.text

    three = httpx.get(base + "/@anyanglove/embed", params={"limit": "3"}, timeout=20).text
    assert re.findall(r"안양시 소식 (\d+)호", three) == ["11", "10", "9"]
    many = httpx.get(base + "/@anyanglove/embed", params={"limit": "500"}, timeout=20)
    assert many.status_code == 200 and len(re.findall(r"안양시 소식 \d+호", many.text)) == 12
    assert httpx.get(base + "/@anyanglove/embed", params={"limit": "많이"}, timeout=20).status_code == 400
    dark = httpx.get(base + "/@anyanglove/embed", params={"theme": "dark"}, timeout=20).text
    assert 'class="embed theme-dark"' in dark
    english = httpx.get(base + "/@anyanglove/embed", params={"lang": "en"}, timeout=20).text
    assert '<html lang="en"' in english and "Latest posts from 안양시" in english
    assert httpx.get(base + "/@nobody/embed", timeout=20).status_code == 404


def test_the_snippet_script_is_small_and_talks_to_no_other_host(sqlite_web_base: str) -> None:
    for name in ("embed.js", "embed_frame.js"):
        source = (STATIC / name).read_text(encoding="utf-8")
        assert len(source.encode()) < 20 * 1024
        assert not re.search(r"https?:", source), f"{name} names a URL of some host"
        served = httpx.get(f"{sqlite_web_base}/static/web/{name}", timeout=20)
        assert served.status_code == 200 and "javascript" in served.headers["content-type"]
    css = httpx.get(f"{sqlite_web_base}/static/web/embed.css", timeout=20)
    assert css.status_code == 200 and not re.search(r"https?:|@import|url\(", css.text)


def _make_staff(database_url: str, organisation: str, username: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as s:
                org = await find_account_by_acct(s, organisation)
                member = await find_account_by_acct(s, username)
                assert org is not None and member is not None
                await add_staff(s, organisation=org, account=member, role="triager")
        finally:
            await db.dispose()
    asyncio.run(go())


def test_staff_get_the_code_of_their_organisation_first(sqlite_web_base: str, sqlite_url: str) -> None:
    base = sqlite_web_base
    citizen(base, "anyanglove", display_name="안양시")
    make_official(sqlite_url, "anyanglove")
    staff = citizen(base, "dongwook", display_name="서동욱")
    _make_staff(sqlite_url, "anyanglove", "dongwook")
    page = staff.get("/office/embed").text
    assert '<option value="anyanglove" selected>안양시 (@anyanglove)</option>' in page
    assert '<option value="dongwook">서동욱 (@dongwook)</option>' in page
    assert "data-account=&#34;anyanglove&#34;" in page
    own = staff.get("/office/embed", params={"account": "dongwook"}).text
    assert "data-account=&#34;dongwook&#34;" in own
    # Someone else's account is not offered: the page falls back to the first choice.
    other = staff.get("/office/embed", params={"account": "nobody"}).text
    assert "data-account=&#34;anyanglove&#34;" in other


def test_the_office_embed_page_gives_the_code_to_paste(sqlite_web_base: str) -> None:
    base = sqlite_web_base
    assert WebClient(base).get("/office/embed").status_code == 303  # guests sign in first
    web = citizen(base, "anyanglove", display_name="안양시")
    page = web.get("/office/embed")
    assert page.status_code == 200 and "<h1>홈페이지에 글 싣기</h1>" in page.text
    snippet = html.unescape(re.search(r'<textarea id="f-snippet"[^>]*>([^<]+)</textarea>', page.text).group(1))  # type: ignore[union-attr]
    assert '<div class="madang-timeline" data-account="anyanglove"></div>' in snippet
    assert f'<script async src="{base}/static/web/embed.js' in snippet
    iframe = html.unescape(re.search(r'<textarea id="f-iframe"[^>]*>([^<]+)</textarea>', page.text).group(1))  # type: ignore[union-attr]
    assert f'src="{base}/@anyanglove/embed"' in iframe
    assert f"{base}/@anyanglove.rss" in page.text
    assert '<iframe class="embed-preview" src="/@anyanglove/embed?limit=3"' in page.text
