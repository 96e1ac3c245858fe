"""Staff publish as the organisation: the post is the organisation's, the office knows who wrote
it; roles decide who may write, approve and answer; a refused move writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.db import Database
from madang.desk.organisations import add_staff
from madang.models import Account, Favourite, Status
from madang.models.office import OfficeDraft, OfficeDraftEvent, OfficeFavourite, OfficePost
from madang.office.approval import set_approval_required
from madang.office.drafts import approve_draft, create_draft, publish_draft, submit_draft
from madang.office.posting import favourite_as_organisation, reblog_as_organisation, reply_as_organisation
from madang.office.queries import list_office_posts
from madang.office.roles import assign_office_role
from tests.desk.city import City, clock_fixture, make_city  # noqa: F401
from tests.factories import SITE, make_account, make_status, run_jobs


@dataclass
class Office:
    city: City
    publisher: Account  # 서동욱
    approver: Account  # 박서진
    responder: Account
    reader: Account  # on staff, no office role


async def make_office(db: Database, *, approval: bool = False) -> Office:
    city = await make_city(db)
    async with db.write() as s:
        org = await s.get(Account, city.org.id)
        people = {}
        for username, name, office_role in (("dongwook_seo", "서동욱", "publisher"),
                                            ("seojin_park", "박서진", "approver"),
                                            ("jiwoo_han", "한지우", "responder")):
            people[username] = account = await make_account(s, username=username, display_name=name)
            await add_staff(s, organisation=org, account=account, role="read_only")
            await assign_office_role(s, organisation=org, account=account, office_role=office_role)
        if approval:
            await set_approval_required(s, organisation=org, staff=None, required=True)
    return Office(city, people["dongwook_seo"], people["seojin_park"], people["jiwoo_han"], city.reader)


async def count(db: Database, model: type) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_publisher_posts_as_the_organisation(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    async with db.write() as s:
        draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher,
                                   text="3월 안양천 벚꽃 축제 안내", category="events")
        await publish_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    await run_jobs(db)
    async with db.read() as s:
        status = await s.scalar(select(Status).where(Status.text == "3월 안양천 벚꽃 축제 안내"))
        assert status is not None and status.account_id == org.id  # the public sees the city
        record = await s.get(OfficePost, status.id)
        assert record is not None and record.account_id == office.publisher.id and record.category == "events"
        assert record.approved_by_id is None and record.draft_id == draft.id
        posts = await list_office_posts(s, organisation=org, staff=office.city.reader)
        assert [(p.status.id, p.author.display_name) for p in posts] == [(status.id, "서동욱")]
        actions = list(await s.scalars(select(OfficeDraftEvent.action).where(OfficeDraftEvent.draft_id == draft.id)
                                       .order_by(OfficeDraftEvent.id)))
        assert actions == ["created", "published"]


async def test_with_approval_one_staff_member_approves_the_others_draft(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db, approval=True)
    org = office.city.org
    async with db.write() as s:
        draft = await create_draft(s, site=SITE, organisation=org, staff=office.publisher,
                                   text="평촌 도서관 휴관 안내", category="education")
    # Without approval nothing goes out, and nobody approves their own draft.
    with pytest.raises(Forbidden, match="승인"):
        async with db.write() as s:
            await publish_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    async with db.write() as s:
        await submit_draft(s, draft_id=draft.id, staff=office.publisher)
    with pytest.raises(Forbidden, match="승인 담당"):
        async with db.write() as s:
            await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.publisher)
    assert await count(db, Status) == 0
    async with db.write() as s:
        await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.approver)
    async with db.read() as s:
        record = await s.scalar(select(OfficePost))
        assert record is not None and (record.account_id, record.approved_by_id) == (
            office.publisher.id, office.approver.id)
        status = await s.get(Status, record.status_id)
        assert status is not None and status.account_id == org.id and status.text == "평촌 도서관 휴관 안내"
        assert (await s.get(OfficeDraft, draft.id)).state == "published"  # type: ignore[union-attr]


async def test_an_approver_cannot_approve_their_own_draft(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db, approval=True)
    async with db.write() as s:
        draft = await create_draft(s, site=SITE, organisation=office.city.org, staff=office.approver, text="내 초안")
        await submit_draft(s, draft_id=draft.id, staff=office.approver)
    with pytest.raises(Forbidden, match="자기 초안"):
        async with db.write() as s:
            await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.approver)
    assert await count(db, OfficePost) == 0
    async with db.write() as s:  # the office admin has every office right
        await approve_draft(s, site=SITE, draft_id=draft.id, staff=office.city.admin)
    assert await count(db, OfficePost) == 1


async def test_who_may_write(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    for who, error in ((office.responder, Forbidden), (office.reader, Forbidden),
                       (office.city.outsider, Forbidden), (office.city.triager, Forbidden)):
        with pytest.raises(error):
            async with db.write() as s:
                await create_draft(s, site=SITE, organisation=office.city.org, staff=who, text="몰래 쓰는 글")
    with pytest.raises(Invalid, match="분류는"):
        async with db.write() as s:
            await create_draft(s, site=SITE, organisation=office.city.org, staff=office.publisher, text="글",
                               category="sports")
    with pytest.raises(Invalid):
        async with db.write() as s:
            await create_draft(s, site=SITE, organisation=office.city.org, staff=office.publisher, text="가" * 141)
    assert await count(db, OfficeDraft) == 0


async def test_responders_answer_boost_and_favourite_as_the_organisation(db: Database, clock: FrozenClock) -> None:
    office = await make_office(db)
    org = office.city.org
    async with db.write() as s:
        question = await make_status(s, office.city.citizen, "@anyanglove 벚꽃 축제 주차장 있나요?")
        secret = await make_status(s, office.city.citizen, "@anyanglove 비밀 질문", visibility="direct")
    async with db.write() as s:
        reply = await reply_as_organisation(s, organisation=org, staff_account=office.responder, in_reply_to=question,
                                            text="@minsu 네, 안양천 주차장을 이용하세요.", site=SITE)
        private = await reply_as_organisation(s, organisation=org, staff_account=office.responder,
                                              in_reply_to=secret.id, text="@minsu 답변드립니다.", site=SITE)
        boost = await reblog_as_organisation(s, organisation=org, staff_account=office.responder, status=question,
                                             site=SITE)
        await favourite_as_organisation(s, organisation=org, staff_account=office.responder, status=question)
    assert private.visibility == "direct"  # never wider than the question
    with pytest.raises(Forbidden):
        async with db.write() as s:
            await reply_as_organisation(s, organisation=org, staff_account=office.reader, in_reply_to=question,
                                        text="열람 담당의 답글", site=SITE)
    with pytest.raises(NotFound):
        async with db.write() as s:
            await reply_as_organisation(s, organisation=org, staff_account=office.responder, in_reply_to=10**15,
                                        text="없는 글에 답글", site=SITE)
    await run_jobs(db)
    async with db.read() as s:
        kinds = dict((r.status_id, (r.kind, r.account_id)) for r in await s.scalars(select(OfficePost)))
        assert kinds == {reply.id: ("reply", office.responder.id), private.id: ("reply", office.responder.id),
                         boost.id: ("reblog", office.responder.id)}
        assert (await s.get(Status, reply.id)).account_id == org.id  # type: ignore[union-attr]
        fav = await s.scalar(select(Favourite).where(Favourite.status_id == question.id))
        assert fav is not None and fav.account_id == org.id
        assert await s.scalar(select(OfficeFavourite.account_id)) == office.responder.id
        assert await s.scalar(select(func.count()).select_from(Status).where(Status.text == "열람 담당의 답글")) == 0
