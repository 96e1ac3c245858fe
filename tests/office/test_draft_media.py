"""A draft keeps its photos until it goes out: the approver sees them first, the post (now or
at its time) carries them, the day-old sweep of abandoned uploads leaves them alone, no other
draft takes them, and a cancelled draft lets them go."""

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
from madang.office.compose import compose_as_organisation
from madang.office.draft_media import draft_media
from madang.office.drafts import approve_draft, cancel_draft
from tests.desk.city import clock_fixture  # noqa: F401
from tests.factories import SITE, run_jobs
from tests.media.factories import upload
from tests.office.test_publishing import make_office


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


async def test_the_photo_waits_for_approval_and_goes_out_with_the_post(
        db: Database, clock: FrozenClock, store: LocalMediaStore) -> None:
    office = await make_office(db, approval=True)
    org = office.city.org
    photo = await upload(db, store, org, description="안양천 벚꽃길")
    async with db.write() as s:
        draft = await compose_as_organisation(s, site=SITE, organisation=org, staff=office.publisher,
                                              action="submit", text="벚꽃 축제 현장", media_ids=[photo.id])
    with pytest.raises(Invalid):  # kept by the first draft: no other takes it
        async with db.write() as s:
            await compose_as_organisation(s, site=SITE, organisation=org, staff=office.publisher,
                                          action="save", text="또", media_ids=[photo.id])
    clock.advance(days=3)  # past the 24-hour sweep of unattached uploads
    async with db.write() as s:
        await remove_unattached_media(s, store=store)
        assert [m.id for m in await draft_media(s, draft.id)] == [photo.id]
    async with db.write() as s:
        await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.approver)
    async with db.read() as s:
        status = await s.scalar(select(Status).where(Status.account_id == org.id))
        assert status is not None and (await s.get(MediaAttachment, photo.id)).status_id == status.id
        assert await draft_media(s, draft.id) == []


async def test_a_scheduled_draft_takes_its_photo_to_the_post_at_its_time(
        db: Database, clock: FrozenClock, store: LocalMediaStore) -> None:
    office = await make_office(db, approval=False)
    org = office.city.org
    photo = await upload(db, store, org)
    async with db.write() as s:
        await compose_as_organisation(s, site=SITE, organisation=org, staff=office.publisher, action="publish",
                                      text="내일 아침 공지", scheduled_at=clock.now() + timedelta(days=2),
                                      media_ids=[photo.id])
    clock.advance(days=2, minutes=1)
    await run_jobs(db)
    async with db.read() as s:
        status = await s.scalar(select(Status).where(Status.account_id == org.id))
        assert status is not None and (await s.get(MediaAttachment, photo.id)).status_id == status.id


async def test_a_cancelled_draft_lets_its_photo_go(db: Database, clock: FrozenClock, store: LocalMediaStore) -> None:
    office = await make_office(db, approval=True)
    org = office.city.org
    photo = await upload(db, store, org)
    async with db.write() as s:
        draft = await compose_as_organisation(s, site=SITE, organisation=org, staff=office.publisher,
                                              action="save", text="취소할 글", media_ids=[photo.id])
    async with db.write() as s:
        await cancel_draft(s, draft_id=draft.id, staff=office.publisher)
    clock.advance(days=2)
    async with db.write() as s:
        await remove_unattached_media(s, store=store)
    async with db.read() as s:
        assert await s.get(MediaAttachment, photo.id) is None
