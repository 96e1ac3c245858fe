"""Reading Mastodon's CSV lists, and the import job on both databases (decision 0050): a list of
Mastodon's limit is stored in one unit; the job follows, blocks or mutes, records failures, undoes
the rest in overwrite mode, and running every job again changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang.accounts.imports import MAX_ROWS, ImportRefused, ImportRow, create_import, get_import, parse_import
from madang.db import Database
from madang.models import Block, BulkImportRow, Follow, Job
from tests.factories import follow, make_account, rerun_done_jobs, run_jobs


def test_mastodons_files_and_madangs_own_export_are_read() -> None:
    following = parse_import(b"\xef\xbb\xbfAccount address,Show boosts,Notify on new posts,Languages\r\n"
                             b"minji@mastodon.example,false,true,ko\r\n@Jun,true,false,\r\n\r\njun,true,true,\r\n")
    assert following == [ImportRow("minji@mastodon.example", show_reblogs=False, notify=True), ImportRow("Jun")]
    mutes = parse_import(b"Account address,Hide notifications\nnoisy@far.example,false\n")
    assert mutes == [ImportRow("noisy@far.example", hide_notifications=False)]
    assert parse_import(b"rude@far.example\nspam\n") == [ImportRow("rude@far.example"), ImportRow("spam")]
    assert parse_import("minji@한국.kr\n".encode()) == [ImportRow("minji@xn--3e0b707e.kr")]
    assert parse_import(b"acct\n'dana\n") == [ImportRow("dana")]  # madang's archive, spreadsheet-defused
    assert len(parse_import("\n".join(f"user{i}" for i in range(MAX_ROWS)).encode())) == MAX_ROWS


@pytest.mark.parametrize(("data", "code", "line"), [
    (b"#domain,#severity\nspam.example,suspend\n", "address", 1),  # a domain block list is not this
    (b"minji\nmin ji\n", "address", 2),
    (b"Account address,Show boosts\nminji,yes\n", "boolean", 2),
    (b"\xff\xfeminji", "not_utf8", 0),
    (b"\n \n", "empty", 0),
    ("\n".join(f"user{i}" for i in range(MAX_ROWS + 1)).encode(), "too_many_rows", MAX_ROWS + 1),
])
def test_a_file_that_is_not_such_a_list_is_refused_whole(data: bytes, code: str, line: int) -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_import(data)
    assert (refused.value.code, refused.value.line) == (code, line)


async def _count(db: Database, stmt) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return await s.scalar(stmt) or 0


async def test_a_full_list_is_stored_in_one_unit(db: Database) -> None:
    async with db.write() as s:
        owner = await make_account(s, username="mover")
        job = await create_import(s, account=owner, kind="following", mode="merge",
                                  rows=[ImportRow(f"user{i}@far.example") for i in range(MAX_ROWS)])
    assert await _count(db, select(func.count()).select_from(BulkImportRow)
                        .where(BulkImportRow.import_id == job.id)) == MAX_ROWS
    assert await _count(db, select(func.count()).select_from(Job).where(Job.name == "accounts.import")) == 1


async def test_the_job_applies_records_and_overwrites_once(db: Database) -> None:
    async with db.write() as s:
        owner = await make_account(s, username="mover")
        a, b, old = [await make_account(s, username=n) for n in ("alice", "bora", "old")]
        await follow(s, owner, old)
        await create_import(s, account=owner, kind="following", mode="overwrite",
                            rows=[ImportRow("alice"), ImportRow("Bora", notify=True), ImportRow("nobody"),
                                  ImportRow("mover")])
        blocks = await create_import(s, account=owner, kind="blocking", mode="merge", rows=[ImportRow("old")])
    await run_jobs(db)
    followed = select(Follow.target_account_id).where(Follow.account_id == owner.id)
    async with db.read() as s:
        assert set(await s.scalars(followed)) == {a.id, b.id}  # old was blocked, then not in the list
        progress = await get_import(s, account=owner, import_id=blocks.id)
        assert progress.finished and progress.done == 1
        failed = await s.scalars(select(BulkImportRow.acct).where(BulkImportRow.state == "failed")
                                  .order_by(BulkImportRow.position))
        assert list(failed) == ["nobody", "mover"]
        reasons = list(await s.scalars(select(BulkImportRow.reason).where(BulkImportRow.state == "failed")
                                       .order_by(BulkImportRow.position)))
        assert reasons == ["not_found", "refused"]
        assert await s.scalar(select(Follow.notify).where(Follow.target_account_id == b.id)) is True
    follows = await _count(db, select(func.count()).select_from(Follow))
    await rerun_done_jobs(db)
    assert await _count(db, select(func.count()).select_from(Follow)) == follows
    assert await _count(db, select(func.count()).select_from(Block)) == 1
