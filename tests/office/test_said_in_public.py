"""Everything the office says in public as the organisation is masked as the desk's answers are
(issue 13: a reply from the monitor showed a resident number and a phone number in full), with
the contacts the organisation publishes left as they are; a direct message is not public."""

from __future__ import annotations

from sqlalchemy import select

from madang.core.clock import FrozenClock
from madang.db import Database
from madang.desk.published_contacts import add_contact
from madang.models import Status
from madang.office.drafts import create_draft, publish_draft
from madang.office.posting import reply_as_organisation
from tests.desk.city import clock_fixture, seoul  # noqa: F401
from tests.factories import SITE, make_status, run_jobs
from tests.office.test_publishing import make_office

SAID = "접수했습니다. 주민번호 900101-1234567, 연락처 010-1234-5678 확인. 문의 031-8045-0000"
MASKED = "접수했습니다. 주민번호 ******-*******, 연락처 010-****-5678 확인. 문의 031-8045-0000"


async def test_replies_from_the_monitor_are_masked_but_direct_ones(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    async with db.write() as s:
        await add_contact(s, organisation=org, staff=office.city.admin, value="031-8045-0000")
        question = await make_status(s, office.city.citizen, "@anyanglove 가로등이 꺼졌어요")
        secret = await make_status(s, office.city.citizen, "@anyanglove 제 번호로 연락 주세요", visibility="direct")
    async with db.write() as s:
        public = await reply_as_organisation(s, organisation=org, staff_account=office.responder,
                                             in_reply_to=question, text=f"@minsu {SAID}", site=SITE)
        private = await reply_as_organisation(s, organisation=org, staff_account=office.responder,
                                              in_reply_to=secret, text=f"@minsu {SAID}", site=SITE)
    assert public.text == f"@minsu {MASKED}"
    assert private.visibility == "direct" and private.text == f"@minsu {SAID}"


async def test_published_drafts_are_masked_now_and_at_their_time(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    async with db.write() as s:
        await add_contact(s, organisation=org, staff=office.city.admin, value="031-8045-0000")
        now = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text=SAID)
        await publish_draft(s, site=SITE, draft_id=now.id, staff=office.publisher)
        later = await create_draft(s, site=SITE, organisation=org, staff=office.publisher, text="예약 " + SAID,
                                   scheduled_at=seoul(2026, 3, 3, 12, 0))
        await publish_draft(s, site=SITE, draft_id=later.id, staff=office.publisher)
    clock.advance(hours=3)
    await run_jobs(db)
    async with db.read() as s:
        texts = sorted(await s.scalars(select(Status.text).where(Status.account_id == org.id)))
    assert texts == sorted([MASKED, "예약 " + MASKED])
