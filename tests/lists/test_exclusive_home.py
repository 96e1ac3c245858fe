"""Exclusive lists take their members' posts out of the owner's home timeline.

The home statement belongs to madang.timelines (the lead's); until it takes
``lists.exclusive_member_ids_query`` this test is an expected failure, and strict, so the
suite tells when the wiring lands and the marker must go.
"""

from __future__ import annotations


from madang import lists
from madang.db.paging import Page
from madang.statuses.interactions import reblog_status
from tests.factories import SITE, follow, home_ids, make_account, make_status, run_jobs


async def test_exclusive_members_leave_home_but_stay_on_the_list(db):
    async with db.write() as s:
        owner = await make_account(s, username="owner")
        loud = await make_account(s, username="loud")
        quiet = await make_account(s, username="quiet")
        far = await make_account(s, username="far")  # not followed: reaches home only by a boost
        await follow(s, owner, loud)
        await follow(s, owner, quiet)
        row = await lists.create_list(s, owner_id=owner.id, title="따로 볼 계정", exclusive=True)
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[loud.id, owner.id])
    async with db.write() as s:
        shout = await make_status(s, loud, "하루에 백 번 올리는 글")
        calm = await make_status(s, quiet, "가끔 올리는 글")
        mine = await make_status(s, owner, "내 글은 늘 홈에")
        boost = await reblog_status(s, site=SITE, account=loud, status=await make_status(s, far, "먼 동네 소식"))
    await run_jobs(db)
    assert await home_ids(db, owner) == [mine.id, calm.id]
    async with db.read() as s:
        on_list = [st.id for st in await lists.list_list_timeline(s, owner_id=owner.id, list_id=row.id,
                                                                  page=Page())]
    assert on_list == [boost.id, mine.id, shout.id]
    async with db.write() as s:
        await lists.update_list(s, owner_id=owner.id, list_id=row.id, exclusive=False)
    # The feed kept every entry: turning exclusive off brings them back at once.
    assert await home_ids(db, owner) == [boost.id, mine.id, calm.id, shout.id]
