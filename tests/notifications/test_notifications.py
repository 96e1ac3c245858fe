"""Notifications: each event notifies once, never from the muted or blocked, never oneself."""

from __future__ import annotations

import pytest

from madang.accounts import block_account, follow_account, mute_account
from madang.core import clock
from madang.core.errors import NotFound
from madang.db.paging import Page
from madang.models import Status
from madang.notifications.queries import (
    clear_notifications,
    count_unread,
    dismiss_notification,
    list_notifications,
)
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status
from madang.statuses.interactions import favourite_status, reblog_status, unfavourite_status
from tests.factories import (
    SITE,
    follow,
    make_account,
    make_status,
    notifications_of,
    rerun_done_jobs,
    run_jobs,
)


async def test_each_kind_exactly_once(db):
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        minji = await make_account(s, username="minji")
        locked = await make_account(s, username="locked", locked=True)
        await follow(s, minji, city, notify=True)
        await follow_account(s, account=city, target=locked)
        asked = await make_status(s, minji, "주차장 있을까요? 문의@anyanglove")
        post = await make_status(s, city, "행사 안내")
        other_post = await make_status(s, city, "교통 안내")
        reply_to_other = await make_status(s, city, "@minji 네, 있어요", in_reply_to=asked)
        letter = await make_status(s, city, "@minji 쪽지예요", visibility="direct")
        to_self = await make_status(s, city, "나에게 @anyanglove")
    async with db.write() as s:
        await reblog_status(s, site=SITE, account=minji, status=post)
        await reblog_status(s, site=SITE, account=minji, status=other_post)
        await favourite_status(s, account=minji, status=post)
    clock.set_clock(clock.FrozenClock(clock.Clock().now()))
    try:  # two posts edited in the same millisecond are still two edits
        async with db.write() as s:
            await edit_status(s, site=SITE, editor=city, status=await s.get(Status, post.id), text="행사 안내 (수정)")
            await edit_status(s, site=SITE, editor=city, status=await s.get(Status, other_post.id), text="교통 (수정)")
    finally:
        clock.set_clock(clock.Clock())
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=city, status=await s.get(Status, post.id), text="행사 안내 (재수정)")
    await run_jobs(db)
    await rerun_done_jobs(db)  # every handler runs a second time

    # None to oneself: the city's mention of itself told nobody.
    assert sorted(await notifications_of(db, city)) == sorted([
        ("follow", minji.id, None), ("mention", minji.id, asked.id),
        ("reblog", minji.id, post.id), ("reblog", minji.id, other_post.id), ("favourite", minji.id, post.id)])
    assert sorted(await notifications_of(db, minji)) == sorted([
        # The bell: new posts, not a reply to someone else, not a direct message.
        ("status", city.id, post.id), ("status", city.id, to_self.id),
        ("mention", city.id, reply_to_other.id),
        ("mention", city.id, letter.id),
        ("status", city.id, other_post.id),
        ("update", city.id, post.id), ("update", city.id, post.id), ("update", city.id, other_post.id),
    ])
    assert await notifications_of(db, locked) == [("follow_request", city.id, None)]


async def test_none_from_muted_or_blocked(db):
    async with db.write() as s:
        me = await make_account(s, username="me")
        muted = await make_account(s, username="muted")
        quiet = await make_account(s, username="quiet")  # muted, notifications kept
        blocked = await make_account(s, username="blocked")
        blocker = await make_account(s, username="blocker")
        await mute_account(s, account=me, target=muted)
        await mute_account(s, account=me, target=quiet, notifications=False)
        await block_account(s, account=me, target=blocked)
        await block_account(s, account=blocker, target=me)
        post = await make_status(s, me, "제 글이에요")
        for sender in (muted, quiet, blocked, blocker):
            await make_status(s, sender, "@me 안녕하세요")
        await favourite_status(s, account=muted, status=post)
        await favourite_status(s, account=quiet, status=post)
        await follow_account(s, account=muted, target=me)
    await run_jobs(db)
    assert sorted(n[:2] for n in await notifications_of(db, me)) == [("favourite", quiet.id), ("mention", quiet.id)]


async def test_listing_filtering_dismissing(db):
    async with db.write() as s:
        me = await make_account(s, username="me")
        fan = await make_account(s, username="fan")
        await follow(s, fan, me)
        post = await make_status(s, me, "지워질 글")
        kept = await make_status(s, me, "남을 글")
        mention = await make_status(s, fan, "@me 안녕")
        await favourite_status(s, account=fan, status=post)
        await favourite_status(s, account=fan, status=kept)
        await reblog_status(s, site=SITE, account=fan, status=post)
    await run_jobs(db)

    async def listed(**options):  # type: ignore[no-untyped-def]
        async with db.read() as s:
            rows = await list_notifications(s, account_id=me.id, page=Page(), **options)
        return [(n.type, n.status_id) for n in rows]

    everything = await listed()
    assert sorted(everything) == sorted([("follow", None), ("mention", mention.id), ("favourite", post.id),
                                         ("favourite", kept.id), ("reblog", post.id)])
    assert sorted(await listed(types=["favourite", "follow"])) == sorted(
        [("follow", None), ("favourite", post.id), ("favourite", kept.id)])
    assert sorted(await listed(exclude_types=["favourite", "reblog"])) == sorted(
        [("follow", None), ("mention", mention.id)])
    assert await listed(types=["nonsense"]) == []
    async with db.write() as s:
        await unfavourite_status(s, account=fan, status=kept)
        await delete_status(s, actor=me, status=await s.get(Status, post.id))
    assert sorted(await listed()) == sorted([("follow", None), ("mention", mention.id)])

    async with db.read() as s:
        rows = await list_notifications(s, account_id=me.id, page=Page())
        assert await count_unread(s, account_id=me.id) == 2
    with pytest.raises(NotFound):
        async with db.write() as s:
            await dismiss_notification(s, account_id=fan.id, notification_id=rows[0].id)
    async with db.write() as s:
        await dismiss_notification(s, account_id=me.id, notification_id=rows[0].id)
    assert len(await listed()) == 1
    async with db.write() as s:
        await clear_notifications(s, account_id=me.id)
    assert await listed() == []
    assert await notifications_of(db, fan) == []
