"""Downloading one's data as a ZIP, and deleting one's account (organisations' posts stay)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
import zipfile

import httpx
from PIL import Image

from madang.accounts import find_account_by_acct, set_flags
from madang.db import Database
from tests.mastodon_api.clients import new_app, register
from tests.web.client import WebClient


def photo() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "seagreen").save(out, format="JPEG")
    out.seek(0)
    return out


def eventually(check, timeout: float = 15.0):  # type: ignore[no-untyped-def]
    deadline = time.time() + timeout
    while not (result := check()):
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)
    return result


def make_organisation(database_url: str, username: str) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            async with db.write() as session:
                account = await find_account_by_acct(session, username, local_domain="x")
                assert account is not None
                await set_flags(session, account, organisation=True)
        finally:
            await db.dispose()

    asyncio.run(go())


def test_the_export_zip_holds_posts_edits_photos_and_lists(web_base: str) -> None:
    app = new_app(web_base)
    api, username, password = register(web_base, app)
    friend_api, friend, _ = register(web_base, app)
    media = api.media_post(photo(), mime_type="image/jpeg", description="안양천 산책로")
    first = api.status_post("안양천 벚꽃이 피었어요 #안양", media_ids=[media["id"]])
    api.status_update(first["id"], "안양천 벚꽃이 활짝 피었어요 #안양")
    api.status_post("답글입니다", in_reply_to_id=first["id"], visibility="unlisted")
    friend_post = friend_api.status_post("친구의 글")
    api.status_bookmark(friend_post["id"])
    api.account_follow(friend_api.me()["id"])
    friend_api.account_follow(api.me()["id"])

    web = WebClient(web_base)
    assert web.sign_in(username, password).status_code == 303
    page = web.get("/settings/export")
    assert page.status_code == 200 and "ZIP 파일 내려받기" in page.text
    answer = web.get("/settings/export/archive.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert f"madang-{username}-" in answer.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.testzip() is None
    posts = json.loads(archive.read("posts.json"))
    by_text = {p["text"]: p for p in posts}
    flower = by_text["안양천 벚꽃이 활짝 피었어요 #안양"]
    assert flower["visibility"] == "public" and "<a" in flower["html"] and flower["created_at"]
    assert [e["text"] for e in flower["edits"]][:1] == ["안양천 벚꽃이 피었어요 #안양"]
    assert by_text["답글입니다"]["in_reply_to_id"] == first["id"]
    [picture] = flower["media"]
    assert picture["description"] == "안양천 산책로"
    assert Image.open(io.BytesIO(archive.read(picture["file"]))).size == (640, 480)

    def column(name: str) -> list[str]:
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        return [r[0] for r in rows[1:]]

    assert column("following.csv") == [friend] and column("followers.csv") == [friend]
    assert column("bookmarks.csv") == [friend_post["id"]]
    assert column("blocks.csv") == [] and column("mutes.csv") == []
    profile = json.loads(archive.read("profile.json"))
    assert profile["username"] == username and profile["email"] == f"{username}@example.org"
    # Someone else's archive is not reachable: the route only ever exports the viewer.
    assert "친구의 글" not in by_text


def test_a_citizen_deletes_their_account_and_their_posts_are_gone(web_base: str) -> None:
    app = new_app(web_base)
    api, username, password = register(web_base, app)
    friend_api, _, _ = register(web_base, app)
    media = api.media_post(photo(), mime_type="image/jpeg", description="사진")
    post = api.status_post("곧 지울 글입니다", media_ids=[media["id"]])
    friend_post = friend_api.status_post("친구의 글은 남습니다")
    api.status_favourite(friend_post["id"])
    friend_api.account_follow(api.me()["id"])
    picture = httpx.get(media["url"])
    assert picture.status_code == 200

    web = WebClient(web_base)
    web.sign_in(username, password)
    page = web.get("/settings/delete")
    assert page.status_code == 200 and "되돌릴 수 없습니다" in page.text
    wrong_name = web.post("/settings/delete", {"username": "someone", "password": password})
    assert wrong_name.status_code == 422 and "사용자 이름을 정확히 입력해 주세요." in wrong_name.text
    wrong_password = web.post("/settings/delete", {"username": username, "password": "틀린비밀번호입니다"})
    assert wrong_password.status_code == 422 and "비밀번호가 맞지 않습니다." in wrong_password.text
    assert httpx.get(f"{web_base}/api/v1/statuses/{post['id']}").status_code == 200  # nothing changed yet

    done = web.post("/settings/delete", {"username": "@" + username.upper(), "password": password})
    assert done.status_code == 303 and "계정을 삭제했습니다" in web.follow(done).text
    assert web.get("/home").status_code == 303
    assert httpx.get(f"{web_base}/api/v1/statuses/{post['id']}").status_code == 404
    assert "곧 지울 글입니다" not in httpx.get(f"{web_base}/public/local").text
    assert httpx.get(f"{web_base}/api/v1/accounts/lookup", params={"acct": username}).status_code == 404
    assert friend_api.status(friend_post["id"])["favourites_count"] == 0
    assert friend_api.me()["following_count"] == 0
    eventually(lambda: httpx.get(media["url"]).status_code == 404)
    # The username stays taken, and the login is gone.
    again = WebClient(web_base)
    assert again.sign_in(username, password).status_code == 401
    again.get("/auth/sign_up")
    retry = again.post("/auth/sign_up", {"username": username, "email": "new@example.kr", "password": password,
                                         "password_confirmation": password, "agreement": "1"})
    assert retry.status_code == 422 and "이미 사용 중인 사용자 이름입니다." in retry.text


def test_an_organisation_cannot_delete_itself_and_nothing_changes(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.server import running_server

    with running_server(sqlite_url, media_path=tmp_path / "media") as base:
        app = new_app(base)
        api, username, password = register(base, app)
        post = api.status_post("안양시 공지: 도서관 휴관 안내")
        make_organisation(sqlite_url, username)
        web = WebClient(base)
        web.sign_in(username, password)
        page = web.get("/settings/delete")
        assert page.status_code == 403 and "기관 계정은 직접 삭제할 수 없습니다" in page.text
        assert 'action="/settings/delete"' not in page.text
        refused = web.post("/settings/delete", {"username": username, "password": password})
        assert refused.status_code == 403 and "관리자" in refused.text
        assert httpx.get(f"{base}/api/v1/statuses/{post['id']}").status_code == 200
        assert web.get("/home").status_code == 200
        assert api.me()["username"] == username
