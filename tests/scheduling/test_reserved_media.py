"""Uploads reserved by a scheduled status: taken by no other schedule, posted with it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.core.errors import Invalid
from madang.db import Database
from madang.media import LocalMediaStore
from madang.media.cleanup import remove_unattached_media
from madang.models import MediaAttachment, Status
from madang.models.scheduled import ScheduledStatus
from madang.scheduling.manage import cancel_scheduled_status, schedule_status
from tests.factories import SITE, make_account, run_jobs
from tests.media.factories import upload


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


async def test_reserved_upload_goes_out_with_its_post(db: Database, frozen: FrozenClock,
                                                      store: LocalMediaStore) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        other = await make_account(s, username="other")
    photo = await upload(db, store, city, description="안양천 지도")
    theirs = await upload(db, store, other)
    later = frozen.at + timedelta(hours=2)
    async with db.write() as s:
        await schedule_status(s, site=SITE, author=city, scheduled_at=later, text="지도 첨부", media_ids=[photo.id])
    for ids in ([photo.id], [theirs.id]):  # reserved already; someone else's
        with pytest.raises(Invalid, match=str(ids[0])):
            async with db.write() as s:
                await schedule_status(s, site=SITE, author=city, scheduled_at=later, text="또", media_ids=ids)
    frozen.advance(hours=2)
    await run_jobs(db)
    async with db.read() as s:
        status = await s.scalar(select(Status).where(Status.account_id == city.id))
        assert status is not None and status.text == "지도 첨부"
        assert (await s.get(MediaAttachment, photo.id)).status_id == status.id


async def test_cancelling_frees_the_upload(db: Database, frozen: FrozenClock, store: LocalMediaStore) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
    photo = await upload(db, store, city)
    later = frozen.at + timedelta(hours=2)
    async with db.write() as s:
        row = await schedule_status(s, site=SITE, author=city, scheduled_at=later, text="첫 예약",
                                    media_ids=[photo.id])
    async with db.write() as s:
        await cancel_scheduled_status(s, row=await s.get(ScheduledStatus, row.id))
    async with db.write() as s:
        again = await schedule_status(s, site=SITE, author=city, scheduled_at=later, text="다시 예약",
                                      media_ids=[photo.id])
    assert again.params["media_ids"] == [str(photo.id)]


async def test_reserved_upload_outlives_the_unattached_sweep(db: Database, frozen: FrozenClock,
                                                            store: LocalMediaStore) -> None:
    """A post scheduled three days out keeps its photo past the 24-hour sweep of unattached uploads."""
    async with db.write() as s:
        city = await make_account(s, username="anyang")
    photo = await upload(db, store, city)
    async with db.write() as s:
        await schedule_status(s, site=SITE, author=city, scheduled_at=frozen.at + timedelta(days=3),
                              text="사흘 뒤", media_ids=[photo.id])
    frozen.advance(days=2)
    async with db.write() as s:
        await remove_unattached_media(s, store=store)
    async with db.read() as s:
        assert await s.get(MediaAttachment, photo.id) is not None
