"""Uploads never attached are removed a day later by a job: rows and files, once, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from madang.media.cleanup import remove_unattached_media
from madang.media.storage import open_store
from madang.models import Job, MediaAttachment
from tests.factories import make_account, make_status, rerun_done_jobs, run_jobs
from tests.media.factories import stored_files, upload


async def _media_ids(db) -> set[int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return set(await s.scalars(select(MediaAttachment.id)))


async def test_unattached_uploads_go_after_24_hours(db, store, frozen) -> None:
    async with db.write() as s:
        author = await make_account(s)
    abandoned = await upload(db, store, author)
    posted = await upload(db, store, author)
    frozen.advance(hours=12)
    later = await upload(db, store, author)
    async with db.write() as s:
        await make_status(s, author, "사진 한 장", media_ids=[posted.id])
    await run_jobs(db)  # fan-out etc.; the sweeps are not due yet
    assert await _media_ids(db) == {abandoned.id, posted.id, later.id}

    frozen.advance(hours=11, minutes=59)  # 23:59 after the first uploads
    await run_jobs(db)
    assert await _media_ids(db) == {abandoned.id, posted.id, later.id}

    frozen.advance(minutes=1)  # 24:00: the first uploads' jobs are due
    await run_jobs(db)
    assert await _media_ids(db) == {posted.id, later.id}
    kept = {store.path(k) for m in (posted, later) for k in (m.file_key, m.small_key)}
    assert set(stored_files(store)) == kept

    # Running the finished jobs again (a worker that died before recording them) removes nothing more.
    await rerun_done_jobs(db)
    assert await _media_ids(db) == {posted.id, later.id}

    frozen.advance(hours=12)
    await run_jobs(db)
    assert await _media_ids(db) == {posted.id}
    assert set(stored_files(store)) == {store.path(posted.file_key), store.path(posted.small_key)}
    async with db.read() as s:
        failed = await s.scalar(select(func.count()).select_from(Job).where(Job.state == "failed"))
    assert failed == 0


async def test_sweep_works_in_batches_and_a_rolled_back_sweep_deletes_no_file(db, store, frozen) -> None:
    async with db.write() as s:
        author = await make_account(s)
    for _ in range(5):
        await upload(db, store, author)
    frozen.advance(hours=25)
    try:
        async with db.write() as s:
            assert await remove_unattached_media(s, store=store, batch=2) == 2
            raise RuntimeError("the unit fails after the sweep")
    except RuntimeError:
        pass
    assert len(await _media_ids(db)) == 5 and len(stored_files(store)) == 10
    async with db.write() as s:
        assert await remove_unattached_media(s, store=open_store(store.location), batch=2) == 2
    assert len(await _media_ids(db)) == 3 and len(stored_files(store)) == 6
    await run_jobs(db)
    assert await _media_ids(db) == set() and stored_files(store) == []
