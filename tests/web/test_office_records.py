"""Records on a real server: an office admin downloads an account's ZIP, which verifies against
its manifest and is logged; others get a 403 page; bad dates and unknown scopes a 422 form."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from madang.accounts.queries import find_account_by_acct
from madang.db import Database
from madang.desk.organisations import add_staff
from madang.media import LocalMediaStore
from madang.models.records import RecordsExport
from madang.records import verify_export
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status
from tests.factories import SITE, make_account, make_status
from tests.media.factories import upload
from tests.web.client import WebClient

PASSWORD = "비밀번호는길게1234"


def seed(url: str, media: Path) -> None:
    async def go() -> None:
        db = Database(url)
        try:
            async with db.write() as s:
                org = await make_account(s, username="anyanglove", organisation=True, display_name="안양시")
                await add_staff(s, organisation=org, account=await find_account_by_acct(s, "boss"),
                                role="office_admin")
                await add_staff(s, organisation=org, account=await find_account_by_acct(s, "reader"),
                                role="read_only")
            photo = await upload(db, LocalMediaStore(media), org, description="시청 앞 광장")
            async with db.write() as s:
                post = await make_status(s, org, "시정 소식 #안양")
                await edit_status(s, site=SITE, editor=org, status=post, text="시정 소식(고침) #안양")
                gone = await make_status(s, org, "지운 공지")
                await delete_status(s, actor=org, status=gone)
                await make_status(s, org, "@minsu 개인 안내", visibility="direct")
                await make_status(s, org, "광장 사진", media_ids=[photo.id])
        finally:
            await db.dispose()
    asyncio.run(go())


def logged(url: str) -> list[Any]:
    async def go() -> list[Any]:
        db = Database(url)
        try:
            async with db.read() as s:
                return list(await s.scalars(select(RecordsExport)))
        finally:
            await db.dispose()
    return asyncio.run(go())


def form(**overrides: str) -> dict[str, str]:
    return {"scope": "account", "value": "anyanglove", "from": "2000-01-01", "to": "2099-12-31", **overrides}


def test_an_office_admin_downloads_a_verifiable_zip(web_base: str, database_url: str, tmp_path: Path) -> None:
    boss, reader, citizen = WebClient(web_base), WebClient(web_base), WebClient(web_base)
    try:
        for client, name in ((boss, "boss"), (reader, "reader"), (citizen, "minsu")):
            client.sign_up(name, PASSWORD)
        seed(database_url, tmp_path / "media")

        page = boss.get("/office/records")
        assert page.status_code == 200 and "기록 내보내기" in page.text and "아직 내보낸 기록이 없습니다." in page.text
        download = boss.post("/office/records/export", form())
        assert download.status_code == 200, download.text[:500]
        assert download.headers["content-type"] == "application/zip"
        assert "attachment" in download.headers["content-disposition"]
        path = tmp_path / "download.zip"
        path.write_bytes(download.content)
        assert verify_export(path) == []
        with zipfile.ZipFile(path) as archive:
            posts = [json.loads(line) for line in archive.read("posts.jsonl").decode().splitlines()]
            texts = {p["text"]: p for p in posts}
            assert texts["지운 공지"]["deleted_at"] and texts["@minsu 개인 안내"]["visibility"] == "direct"
            photo = texts["광장 사진"]["media"][0]
            assert photo["description"] == "시청 앞 광장" and archive.read(photo["file"])[:2] == b"\xff\xd8"
            revisions = [json.loads(line)["text"] for line in archive.read("revisions.jsonl").decode().splitlines()]
            assert "시정 소식 #안양" in revisions and "시정 소식(고침) #안양" in revisions

        listed = boss.get("/office/records")
        assert "@boss" in listed.text and download.headers["x-manifest-sha256"] in listed.text
        assert f"{len(download.content):,}" in listed.text
        assert len(logged(database_url)) == 1

        # Staff who are not office admins, and citizens, see a 403 page and export nothing.
        for client in (reader, citizen):
            assert client.get("/office/records").status_code == 403
            refused = client.post("/office/records/export", form())
            assert refused.status_code == 403 and "application/zip" not in refused.headers["content-type"]
        assert len(logged(database_url)) == 1
    finally:
        for client in (boss, reader, citizen):
            client.close()


def test_bad_dates_and_unknown_scopes_are_a_422_form(sqlite_web_base: str, sqlite_url: str, tmp_path: Path) -> None:
    boss = WebClient(sqlite_web_base)
    try:
        boss.sign_up("boss", PASSWORD)
        WebClient(sqlite_web_base).sign_up("reader", PASSWORD)
        seed(sqlite_url, tmp_path / "media")
        bad = boss.post("/office/records/export", form(**{"from": "어제"}))
        assert bad.status_code == 422 and "연-월-일" in bad.text and 'value="어제"' in bad.text
        assert 'aria-describedby="f-from-error"' in bad.text
        backwards = boss.post("/office/records/export", form(**{"from": "2026-02-01", "to": "2026-01-01"}))
        assert backwards.status_code == 422 and "종료일이 시작일보다 빠릅니다" in backwards.text
        unknown = boss.post("/office/records/export", form(scope="tag", value="없는태그"))
        assert unknown.status_code == 422 and "없는태그" in unknown.text
        citizen = boss.post("/office/records/export", form(value="reader"))
        assert citizen.status_code == 422 and "기록 대상 계정이 아닙니다" in citizen.text
        weird = boss.post("/office/records/export", form(scope="everything"))
        assert weird.status_code == 422
        assert logged(sqlite_url) == []
    finally:
        boss.close()
