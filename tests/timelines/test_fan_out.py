"""Who gets a post in their home timeline, and what takes it out again."""

from __future__ import annotations

import pytest

from sqlalchemy import func, select

from madang.accounts import block_account, mute_account, unfollow_account, unmute_account
from madang.core import clock
from madang.models import HomeFeedEntry
from madang.statuses.delete import delete_status
from madang.statuses.interactions import reblog_status
from tests.factories import SITE, follow, home_ids, make_account, make_status, rerun_done_jobs, run_jobs


async def feed_size(db) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(HomeFeedEntry)))


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "by-job"])
async def test_followers_get_posts_and_only_once(db, monkeypatch, inline):
    """Few followers: the post is in their feeds when it commits. Many (here: a threshold
    of -1): the fan-out job delivers it. Either way once, and a rerun adds nothing."""
    from madang.statuses import delivery

    if not inline:
        monkeypatch.setattr(delivery, "INLINE_FOLLOWERS", -1)
        monkeypatch.setattr("madang.statuses.create.INLINE_FOLLOWERS", -1)
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        fans = [await make_account(s, username=f"fan{n}") for n in range(3)]
        stranger = await make_account(s, username="stranger")
        for fan in fans:
            await follow(s, fan, city)
        await follow(s, stranger, fans[0])
    async with db.write() as s:
        post = await make_status(s, city, "안양시청 계정을 열었습니다")
        private = await make_status(s, city, "팔로워 여러분께만", visibility="private")
    # The author sees it at once, before any job runs; followers at once or after fan-out.
    assert await home_ids(db, city) == [private.id, post.id]
    assert await home_ids(db, fans[0]) == ([private.id, post.id] if inline else [])
    await run_jobs(db)
    for fan in fans:
        assert await home_ids(db, fan) == [private.id, post.id]
    assert await home_ids(db, stranger) == []
    size = await feed_size(db)
    await rerun_done_jobs(db)
    assert await feed_size(db) == size


async def test_replies_reach_those_following_both_sides(db):
    async with db.write() as s:
        a = await make_account(s, username="asker")
        b = await make_account(s, username="answerer")
        both = await make_account(s, username="both")
        only_b = await make_account(s, username="only_b")
        for follower, followee in ((both, a), (both, b), (only_b, b), (a, b)):
            await follow(s, follower, followee)
        question = await make_status(s, a, "주차장 어디 있나요?")
    async with db.write() as s:
        answer = await make_status(s, b, "@asker 시청 지하에 있어요", in_reply_to=question)
        thread = await make_status(s, b, "덧붙이면 주말엔 무료예요", in_reply_to=answer)
    await run_jobs(db)
    assert answer.id in await home_ids(db, both)
    assert answer.id in await home_ids(db, a)  # the one replied to follows the replier
    assert await home_ids(db, only_b) == [thread.id]  # a self-reply reaches every follower


async def test_boosts_reach_the_boosters_followers_once(db):
    async with db.write() as s:
        city = await make_account(s, username="city")
        booster = await make_account(s, username="booster")
        booster2 = await make_account(s, username="booster2")
        fan_of_city = await make_account(s, username="fan_of_city")
        fan_of_booster = await make_account(s, username="fan_of_booster")
        fan_of_both_boosters = await make_account(s, username="fan_of_both")
        no_boosts = await make_account(s, username="no_boosts")
        await follow(s, fan_of_city, city)
        await follow(s, fan_of_city, booster)
        await follow(s, fan_of_booster, booster)
        await follow(s, fan_of_both_boosters, booster)
        await follow(s, fan_of_both_boosters, booster2)
        await follow(s, no_boosts, booster, reblogs=False)
        await follow(s, city, booster)
        post = await make_status(s, city, "행사 안내")
    await run_jobs(db)
    async with db.write() as s:
        boost = await reblog_status(s, site=SITE, account=booster, status=post)
    async with db.write() as s:
        boost2 = await reblog_status(s, site=SITE, account=booster2, status=post)
    await run_jobs(db)
    assert await home_ids(db, booster) == [boost.id]
    assert await home_ids(db, fan_of_booster) == [boost.id]
    assert await home_ids(db, fan_of_city) == [post.id]  # had the original already
    assert await home_ids(db, fan_of_both_boosters) == [boost.id]  # one copy is enough
    assert await home_ids(db, no_boosts) == []
    assert await home_ids(db, city) == [post.id]  # not one's own post again
    assert await home_ids(db, booster2) == [boost2.id]


async def test_direct_and_private_reach(db):
    async with db.write() as s:
        author = await make_account(s, username="author")
        follower = await make_account(s, username="follower")
        mentioned = await make_account(s, username="mentioned")
        other = await make_account(s, username="other")
        await follow(s, follower, author)
        await follow(s, other, mentioned)
        letter = await make_status(s, author, "@mentioned 비밀 이야기", visibility="direct")
        private = await make_status(s, author, "@mentioned 팔로워 전용", visibility="private")
    await run_jobs(db)
    assert await home_ids(db, mentioned) == [letter.id]
    assert await home_ids(db, follower) == [private.id]
    assert await home_ids(db, other) == []


async def test_mutes_and_blocks_hide_and_unfollow_removes(db):
    async with db.write() as s:
        me = await make_account(s, username="me")
        loud = await make_account(s, username="loud")
        rude = await make_account(s, username="rude")
        friend = await make_account(s, username="friend")
        for account in (loud, friend):
            await follow(s, me, account)
        loud_post = await make_status(s, loud, "시끄러운 글")
        rude_post = await make_status(s, rude, "무례한 글")
        friend_post = await make_status(s, friend, "친구의 글")
    async with db.write() as s:
        rude_boost = await reblog_status(s, site=SITE, account=friend, status=rude_post)
    await run_jobs(db)
    assert await home_ids(db, me) == [rude_boost.id, friend_post.id, loud_post.id]

    clock.set_clock(clock.FrozenClock(clock.Clock().now()))
    try:
        async with db.write() as s:
            await mute_account(s, account=me, target=loud, duration=3600)
        async with db.write() as s:
            during_mute = await make_status(s, loud, "음소거 중에 쓴 글")
        await run_jobs(db)
        assert await home_ids(db, me) == [rude_boost.id, friend_post.id]
        clock.clock.advance(hours=2)  # the mute lapses: what was written meanwhile shows too
        assert await home_ids(db, me) == [during_mute.id, rude_boost.id, friend_post.id, loud_post.id]
    finally:
        clock.set_clock(clock.Clock())
    async with db.write() as s:
        await unmute_account(s, account=me, target=loud)
        await mute_account(s, account=me, target=friend)
    # Muting the booster hides the boosts too.
    assert await home_ids(db, me) == [during_mute.id, loud_post.id]
    async with db.write() as s:
        await unmute_account(s, account=me, target=friend)
        await block_account(s, account=rude, target=me)
    # Blocked either way: not even a friend's boost of it shows.
    assert await home_ids(db, me) == [during_mute.id, friend_post.id, loud_post.id]
    async with db.write() as s:
        await unfollow_account(s, account=me, target=loud)
    assert await home_ids(db, me) == [friend_post.id]
    async with db.write() as s:
        await delete_status(s, actor=friend, status=await s.get(type(friend_post), friend_post.id))
    assert await home_ids(db, me) == []


async def test_following_merges_recent_posts(db):
    async with db.write() as s:
        city = await make_account(s, username="city")
        me = await make_account(s, username="me")
        late = await make_account(s, username="late")
        other = await make_account(s, username="other")
        older = await make_status(s, city, "지난 소식")
        private = await make_status(s, city, "팔로워 전용 소식", visibility="private")
        reply = await make_status(s, city, "@other 답변드려요", in_reply_to=await make_status(s, other, "질문"))
        newest = await make_status(s, city, "최근 소식")
        await follow(s, me, city)
        await follow(s, late, city)
        await unfollow_account(s, account=late, target=city)  # undone before the job ran
    await run_jobs(db)
    assert await home_ids(db, me) == [newest.id, private.id, older.id]
    assert reply.id not in await home_ids(db, me)
    assert await home_ids(db, late) == []


async def test_unfollow_removes_the_followees_boosts_and_keeps_ones_own(db):
    """As Mastodon's unmerge: what the unfollowed account posted or boosted leaves the feed;
    one's own boost of their post, and a friend's, stay."""
    async with db.write() as s:
        me = await make_account(s, username="me")
        gone = await make_account(s, username="gone")
        friend = await make_account(s, username="friend")
        third = await make_account(s, username="third")
        await follow(s, me, gone)
        await follow(s, me, friend)
        their_post = await make_status(s, gone, "곧 언팔될 사람의 글")
        elsewhere = await make_status(s, third, "제삼자의 글")
    await run_jobs(db)
    async with db.write() as s:
        their_boost = await reblog_status(s, site=SITE, account=gone, status=elsewhere)
        my_boost = await reblog_status(s, site=SITE, account=me, status=their_post)
    await run_jobs(db)
    assert await home_ids(db, me) == [my_boost.id, their_boost.id, their_post.id]
    async with db.write() as s:
        await unfollow_account(s, account=me, target=gone)
    assert await home_ids(db, me) == [my_boost.id]


async def test_a_large_following_is_reached_slice_by_slice(db, monkeypatch):
    """A city account's followers are written a slice at a time; every one of them,
    boosts included, and a rerun adds nothing."""
    from madang.statuses import delivery

    monkeypatch.setattr(delivery, "CHUNK", 2)
    monkeypatch.setattr("madang.statuses.create.INLINE_FOLLOWERS", -1)  # through the job, in slices
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        fans = [await make_account(s, username=f"citizen{n}") for n in range(5)]
        booster = fans[0]
        for fan in fans:
            await follow(s, fan, city)
        for fan in fans[1:]:
            await follow(s, fan, booster)
        outsider = await make_account(s, username="outsider")
        await follow(s, outsider, booster)
    async with db.write() as s:
        post = await make_status(s, city, "이영표 선수가 오늘 안양시청에 와요 #anyang")
    await run_jobs(db)
    for fan in fans:
        assert post.id in await home_ids(db, fan)
    async with db.write() as s:
        boost = await reblog_status(s, site=SITE, account=booster, status=post)
    await run_jobs(db)
    # Followers of the booster who already have the post are not shown it twice.
    assert await home_ids(db, outsider) == [boost.id]
    size = await feed_size(db)
    await rerun_done_jobs(db)
    assert await feed_size(db) == size
