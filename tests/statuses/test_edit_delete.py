"""Editing keeps every revision; deleting hides a post everywhere but keeps the record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from madang.core.errors import Forbidden, Invalid, NotFound
from madang.db.paging import Page
from madang.models import Account, Bookmark, Favourite, Status, StatusEdit
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status, list_revisions
from madang.statuses.interactions import bookmark_status, favourite_status, reblog_status
from madang.statuses.queries import (
    AccountStatusFilter,
    get_context,
    get_visible_status,
    list_account_statuses,
    list_marked_statuses,
)
from madang.timelines.queries import list_public_timeline, list_tag_timeline
from tests.factories import SITE, follow, home_ids, make_account, make_status, reload, rerun_done_jobs, run_jobs


async def test_edit_appends_revisions(db):
    async with db.write() as s:
        author = await make_account(s, username="city")
        other = await make_account(s, username="citizen")
        post = await make_status(s, author, "오늘 행사는 2시 #안양")
    async with db.write() as s:
        mine = await get_visible_status(s, post.id, author.id)
        await edit_status(s, site=SITE, editor=author, status=mine, text="오늘 행사는 3시로 바뀌었어요 #안양")
    async with db.write() as s:
        mine = await get_visible_status(s, post.id, author.id)
        await edit_status(s, site=SITE, editor=author, status=mine, text="오늘 행사는 4시 #안양천",
                          spoiler_text="일정 변경")
    for kwargs, error in (({"editor": other, "text": "남의 글"}, Forbidden),
                          ({"editor": author, "text": " "}, Invalid),
                          ({"editor": author, "text": "가" * 141}, Invalid),
                          ({"editor": author, "text": "언어", "language": "??"}, Invalid)):
        with pytest.raises(error):
            async with db.write() as s:
                mine = await get_visible_status(s, post.id, author.id)
                await edit_status(s, site=SITE, status=mine, **kwargs)
    async with db.read() as s:
        stored = await s.get(Status, post.id)
        revisions = await list_revisions(s, stored)
    assert [r.text for r in revisions] == ["오늘 행사는 2시 #안양", "오늘 행사는 3시로 바뀌었어요 #안양",
                                           "오늘 행사는 4시 #안양천"]
    assert [r.spoiler_text for r in revisions] == ["", "", "일정 변경"]
    assert stored.text == "오늘 행사는 4시 #안양천" and stored.edited_at == revisions[-1].created_at
    assert stored.sensitive  # a content warning marks the post sensitive
    async with db.read() as s:
        assert [x.id for x in await list_tag_timeline(s, tag_names=["안양천"], viewer_id=None, page=Page())] \
            == [post.id]
        assert await list_tag_timeline(s, tag_names=["안양"], viewer_id=None, page=Page()) == []


async def test_delete_hides_everywhere_and_keeps_the_record(db):
    async with db.write() as s:
        author = await make_account(s, username="minsu")
        fan = await make_account(s, username="fan")
        booster = await make_account(s, username="booster")
        await follow(s, fan, author)
        await follow(s, fan, booster)
        root = await make_status(s, fan, "산책 코스 추천해 주세요")
        post = await make_status(s, author, "@fan 안양천 따라 걸어 보세요 #산책", in_reply_to=root)
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=author, status=await get_visible_status(s, post.id, author.id),
                          text="@fan 안양천 따라 걸어 보세요! #산책")
        boost = await reblog_status(s, site=SITE, account=booster, status=post)
        await favourite_status(s, account=fan, status=post)
        await bookmark_status(s, account=fan, status=post)
    await run_jobs(db)
    assert post.id in await home_ids(db, fan)
    assert (await reload(db, Status, root.id)).replies_count == 1
    assert (await reload(db, Account, booster.id)).statuses_count == 1

    with pytest.raises(Forbidden):
        async with db.write() as s:
            await delete_status(s, actor=fan, status=await s.get(Status, post.id))
    async with db.write() as s:
        await delete_status(s, actor=author, status=await s.get(Status, post.id))
    with pytest.raises(NotFound):
        async with db.write() as s:
            await delete_status(s, actor=author, status=await s.get(Status, post.id))

    async with db.read() as s:
        kept = await s.get(Status, post.id)
        assert kept is not None and kept.deleted_at is not None
        assert len(list(await s.scalars(select(StatusEdit).where(StatusEdit.status_id == post.id)))) == 2
        assert await s.get(Status, boost.id) is None  # the boost went with it
        for viewer in (None, fan.id, author.id):
            with pytest.raises(NotFound):
                await get_visible_status(s, post.id, viewer)
        assert await list_account_statuses(s, account=author, viewer_id=fan.id, page=Page(),
                                           filters=AccountStatusFilter()) == []
        assert await list_account_statuses(s, account=booster, viewer_id=fan.id, page=Page(),
                                           filters=AccountStatusFilter()) == []
        assert [x.id for x in await list_public_timeline(s, viewer_id=None, page=Page())] == [root.id]
        assert await list_tag_timeline(s, tag_names=["산책"], viewer_id=None, page=Page()) == []
        assert (await get_context(s, await s.get(Status, root.id), fan.id)).descendants == []
        for mark in (Favourite, Bookmark):
            assert await list_marked_statuses(s, mark=mark, account_id=fan.id, page=Page()) == []
    assert await home_ids(db, fan) == [root.id]
    assert (await reload(db, Status, root.id)).replies_count == 0
    assert (await reload(db, Account, author.id)).statuses_count == 0
    assert (await reload(db, Account, booster.id)).statuses_count == 0
    # Fan-out jobs run again (a retry) do not bring it back.
    await rerun_done_jobs(db)
    assert await home_ids(db, fan) == [root.id]
