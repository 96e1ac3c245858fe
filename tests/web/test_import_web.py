"""Importing Mastodon's CSV lists on the web, on SQLite and PostgreSQL (decision 0050): a
following list with local addresses is followed by the server's own worker, the page shows n of
m done and the addresses that failed (an unknown local name, a server that cannot be reached);
overwrite mode unfollows the rest; a mute list keeps its options; a malformed file is refused in
Korean with nothing written."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from madang.db.database import Database
from madang.models import BulkImport, BulkImportRow
from tests.web.client import WebClient
from tests.web.social import account_id, api, eventually, follow, person
from tests.web.test_remote_profiles import _remote

HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"


def _stored(database_url: str) -> tuple[int, int]:
    async def go() -> tuple[int, int]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                return (await s.scalar(select(func.count()).select_from(BulkImport)) or 0,
                        await s.scalar(select(func.count()).select_from(BulkImportRow)) or 0)
        finally:
            await db.dispose()
    return asyncio.run(go())


def _upload(web: WebClient, body: bytes, *, kind: str = "following", mode: str = "merge"):  # type: ignore[no-untyped-def]
    return web.post("/settings/import", {"kind": kind, "mode": mode},
                    files={"file": ("following_accounts.csv", body, "text/csv")})


def _finished(web: WebClient, location: str) -> str:
    pages: list[str] = []

    def done() -> bool:
        pages.append(web.get(location).text)
        return "끝남" in pages[-1]
    eventually(done, timeout=30)
    return pages[-1]


def _following(web: WebClient, username: str) -> list[str]:
    with api(web) as client:
        me = account_id(web, username)
        return sorted(a["acct"] for a in client.get(f"/api/v1/accounts/{me}/following").json())


def test_a_following_list_is_imported_by_the_worker_and_overwrite_unfollows_the_rest(
        database_url: str, web_base: str) -> None:
    minji = person(web_base, "minji_imp")
    for name in ("jun_imp", "dana_imp", "old_imp"):
        person(web_base, name)
    follow(minji, "old_imp")
    host = urlsplit(web_base).netloc

    page = minji.get("/settings/import")
    assert page.status_code == 200 and 'aria-current="page">가져오기' in page.text
    bad = _upload(minji, (HEADER + "jun_imp,true,false,ko\nhello world,true,false,\n").encode())
    assert bad.status_code == 422 and "3번째 줄: 계정 주소가 아닙니다" in bad.text and 'role="alert"' in bad.text
    assert _upload(minji, b"\xff\xfejun_imp\n").status_code == 422
    assert "UTF-8 텍스트 파일이 아닙니다." in _upload(minji, b"\xff\xfejun_imp\n").text
    assert "가져올 CSV 파일을 골라 주세요." in _upload(minji, b"").text
    flags = _upload(minji, (HEADER + "jun_imp,maybe,false,\n").encode())
    assert flags.status_code == 422 and "true나 false" in flags.text
    assert _stored(database_url) == (0, 0)  # nothing written for a refused file
    assert _following(minji, "minji_imp") == ["old_imp"]

    _remote(database_url, "hana")  # known here: resolved without a request, asked to follow
    body = HEADER + (f"jun_imp,true,true,ko\n@dana_imp@{host},false,false,\nnobody_imp,true,false,\n"
                     "ghost@localhost,true,false,\nhana@far.example,true,false,\n")
    started = _upload(minji, body.encode())
    assert started.status_code == 303, started.text[:500]
    location = started.headers["location"]
    assert re.fullmatch(r"/settings/import/\d+\?notice=import_started", location)
    assert "가져오기를 시작했습니다." in minji.get(location).text
    shown = _finished(minji, location.split("?")[0])
    assert "5 / 5 처리함" in shown and "성공 3개" in shown and "실패 2개" in shown
    assert "nobody_imp" in shown and "이 서버에 없는 계정" in shown
    assert "ghost@localhost" in shown and "찾을 수 없거나 연결할 수 없는 서버의 계정" in shown
    assert _following(minji, "minji_imp") == ["dana_imp", "jun_imp", "old_imp"]
    with api(minji) as client:
        rel = client.get("/api/v1/accounts/relationships", params={"id[]": account_id(minji, "jun_imp")}).json()[0]
        assert rel["notifying"] is True and rel["showing_reblogs"] is True
        hana = client.get("/api/v1/accounts/lookup", params={"acct": "hana@far.example"}).json()["id"]
        assert client.get("/api/v1/accounts/relationships", params={"id[]": hana}).json()[0]["requested"] is True
    listed = minji.get("/settings/import").text
    assert "팔로우 목록 · 합치기" in listed and "5 / 5 처리함" in listed

    again = _upload(minji, b"jun_imp\nghost@localhost\n", mode="overwrite")  # a bare list, as blocks are
    assert again.status_code == 303
    assert "2 / 2 처리함" in _finished(minji, again.headers["location"].split("?")[0])
    assert _following(minji, "minji_imp") == ["jun_imp"]
    with api(minji) as client:  # the request to hana is withdrawn too
        assert client.get("/api/v1/accounts/relationships", params={"id[]": hana}).json()[0]["requested"] is False

    mutes = _upload(minji, b"Account address,Hide notifications\nold_imp,false\n", kind="muting")
    assert "1 / 1 처리함" in _finished(minji, mutes.headers["location"].split("?")[0])
    muted = minji.get("/settings/mutes").text
    assert "@old_imp" in muted and "알림도 숨김" not in muted
    assert _stored(database_url) == (3, 8)

    other = person(web_base, "other_imp")
    assert other.get(location.split("?")[0]).status_code == 404  # one's own imports only
    guest = WebClient(web_base)
    assert guest.get("/settings/import").status_code == 303  # to the sign-in page
