"""/authorize_interaction on a real server (SQLite and PostgreSQL; decision 0040): the landing
page another server's follow or reply button sends a reader to. A guest is asked to sign in and
comes back to it; a signed-in reader sees a local account (by ActivityPub id, profile URL or
acct:) with a follow button that works without JavaScript, or a post with reply, boost and
favourite; an address that names nothing is a 404 with a Korean message. WebFinger advertises
the page as Mastodon does (the OStatus subscribe template)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient
from tests.web.test_admin_moderation import PASSWORD, citizen, text_of


def test_a_guest_is_asked_to_sign_in_and_comes_back(web_base: str) -> None:
    citizen(web_base, "anyang").close()
    uri = f"{web_base}/users/anyang"
    here = f"/authorize_interaction?uri={quote(uri, safe='')}"
    guest = WebClient(web_base)
    page = guest.get(here)
    assert page.status_code == 200
    assert "먼저 이 서버에 로그인하세요" in text_of(page.text) and uri in text_of(page.text)
    sign_in = f"/auth/sign_in?next={quote(here, safe='')}"
    assert f'href="{sign_in}"' in page.text.replace("&amp;", "&")
    assert 'action="/@anyang/follow"' not in page.text
    citizen(web_base, "reader").close()
    guest.get(sign_in)
    signed = guest.post("/auth/sign_in", {"login": "reader", "password": PASSWORD, "next": here})
    assert signed.status_code == 303 and signed.headers["location"] == here
    assert 'action="/@anyang/follow"' in guest.follow(signed).text
    english = WebClient(web_base, accept_language="en").get(here)
    assert "To follow or reply, sign in to this server first." in text_of(english.text)


def test_a_signed_in_reader_follows_a_local_account_and_sees_a_post(web_base: str) -> None:
    app = new_app(web_base)
    city, _, _ = register(web_base, app, "anyang")
    post = city.status_post("안양천 벚꽃길 개방 안내")
    host = web_base.removeprefix("http://")
    reader = citizen(web_base, "reader")
    for uri in (f"{web_base}/users/anyang", f"{web_base}/@anyang", f"acct:anyang@{host}", f"anyang@{host}"):
        page = reader.get("/authorize_interaction", params={"uri": uri})
        assert page.status_code == 200, (uri, page.status_code)
        assert 'action="/@anyang/follow"' in page.text and "@anyang" in text_of(page.text), uri
    here = f"/authorize_interaction?uri={quote(f'{web_base}/users/anyang', safe='')}"
    followed = reader.post("/@anyang/follow", {"next": here})
    assert followed.status_code == 303 and followed.headers["location"].startswith(here)
    assert "팔로우 중" in text_of(reader.follow(followed).text)
    assert city.me().followers_count == 1

    for uri in (post.uri, post.url):
        page = reader.get("/authorize_interaction", params={"uri": uri})
        shown = text_of(page.text)
        assert page.status_code == 200 and "안양천 벚꽃길 개방 안내" in shown, uri
        assert f"/compose?in_reply_to={post.id}" in page.text  # reply
        assert f"/statuses/{post.id}/reblog" in page.text and f"/statuses/{post.id}/favourite" in page.text

    missing = reader.get("/authorize_interaction", params={"uri": f"{web_base}/users/nobody"})
    assert missing.status_code == 404 and "계정이나 글을 찾지 못했습니다" in text_of(missing.text)
    empty = reader.get("/authorize_interaction")
    assert empty.status_code == 200 and 'name="uri"' in empty.text


def test_webfinger_advertises_the_remote_interaction_template(web_base: str) -> None:
    citizen(web_base, "anyang").close()
    host = web_base.removeprefix("http://")
    jrd = httpx.get(f"{web_base}/.well-known/webfinger", params={"resource": f"acct:anyang@{host}"}).json()
    [link] = [x for x in jrd["links"] if x["rel"] == "http://ostatus.org/schema/1.0/subscribe"]
    assert link["template"] == f"{web_base}/authorize_interaction?uri={{uri}}"
