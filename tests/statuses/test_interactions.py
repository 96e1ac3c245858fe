"""Boosts, favourites, bookmarks and pins: Mastodon's rules, idempotent, counts right."""

from __future__ import annotations

import pytest

from madang.core.errors import Forbidden, Invalid, NotFound
from madang.db.paging import Page
from madang.models import Account, Status
from madang.statuses.delete import delete_status
from madang.statuses.interactions import (
    MAX_PINS,
    bookmark_status,
    favourite_status,
    pin_status,
    reblog_status,
    unbookmark_status,
    unfavourite_status,
    unpin_status,
    unreblog_status,
)
from madang.statuses.queries import AccountStatusFilter, get_visible_status, list_account_statuses
from madang.statuses.views import load_status_views
from tests.factories import SITE, follow, make_account, make_status, reload


async def test_reblog_rules(db):
    async with db.write() as s:
        author = await make_account(s, username="city")
        booster = await make_account(s, username="minji")
        second = await make_account(s, username="minsu")
        await follow(s, booster, author)
        post = await make_status(s, author, "시청 앞 행사 안내")
        private = await make_status(s, author, "팔로워에게만 알려요", visibility="private")
        direct = await make_status(s, author, "@minji 직접 전해요", visibility="direct")
    async with db.write() as s:
        boost = await reblog_status(s, site=SITE, account=booster, status=post)
        assert boost.reblog_of_id == post.id and boost.id != post.id
        again = await reblog_status(s, site=SITE, account=booster, status=post)
        # A boost of a boost boosts the original.
        via_boost = await reblog_status(s, site=SITE, account=second, status=boost)
    assert again.id == boost.id and via_boost.reblog_of_id == post.id
    assert (await reload(db, Status, post.id)).reblogs_count == 2
    assert (await reload(db, Account, booster.id)).statuses_count == 1

    for account, status, error in ((booster, private, Forbidden), (booster, direct, Forbidden),
                                   (author, direct, Forbidden), (second, private, NotFound)):
        with pytest.raises(error):
            async with db.write() as s:
                await reblog_status(s, site=SITE, account=account, status=status)
    with pytest.raises(Invalid):
        async with db.write() as s:
            await reblog_status(s, site=SITE, account=author, status=await s.get(Status, post.id),
                                visibility="direct")
    async with db.write() as s:
        # The author may boost a followers-only post: the boost stays followers-only.
        own = await reblog_status(s, site=SITE, account=author, status=private, visibility="public")
        assert own.visibility == "private"
    async with db.write() as s:
        await unreblog_status(s, account=booster, status=post)
        original = await unreblog_status(s, account=booster, status=post)
        assert original.reblogs_count == 1
    async with db.read() as s:
        assert await s.get(Status, boost.id) is None
    assert (await reload(db, Status, post.id)).reblogs_count == 1
    assert (await reload(db, Account, booster.id)).statuses_count == 0


async def test_private_boost_shows_only_to_followers(db):
    """A public boost of a followers-only post would show it on the booster's profile."""
    async with db.write() as s:
        author = await make_account(s, username="author")
        follower = await make_account(s, username="follower")
        stranger = await make_account(s, username="stranger")
        await follow(s, follower, author)
        private = await make_status(s, author, "팔로워 전용", visibility="private")
    async with db.write() as s:
        boost = await reblog_status(s, site=SITE, account=author, status=private)
    async with db.read() as s:
        filters = AccountStatusFilter()
        seen = await list_account_statuses(s, account=author, viewer_id=follower.id, page=Page(), filters=filters)
        assert [x.id for x in seen] == [boost.id, private.id]
        for viewer in (stranger.id, None):
            assert await list_account_statuses(s, account=author, viewer_id=viewer, page=Page(),
                                               filters=filters) == []
            with pytest.raises(NotFound):
                await get_visible_status(s, boost.id, viewer)


async def test_reblog_response_shows_new_count(db):
    async with db.write() as s:
        author = await make_account(s, username="author")
        booster = await make_account(s, username="booster")
        post = await make_status(s, author, "함께 나눠요")
    async with db.write() as s:
        post = await get_visible_status(s, post.id, booster.id)  # loaded, as a request would
        boost = await reblog_status(s, site=SITE, account=booster, status=post)
        [view] = await load_status_views(s, [boost], booster.id)
    assert view.reblog is not None and view.reblog.status.reblogs_count == 1 and view.reblog.reblogged


async def test_favourite_bookmark_pin(db):
    async with db.write() as s:
        author = await make_account(s, username="author")
        fan = await make_account(s, username="fan")
        outsider = await make_account(s, username="outsider")
        post = await make_status(s, author, "좋아요 눌러 주세요")
        private = await make_status(s, author, "팔로워 전용", visibility="private")
        others = [await make_status(s, author, f"글 {n}") for n in range(MAX_PINS)]
        letter = await make_status(s, author, "@fan 편지", visibility="direct")
    async with db.write() as s:
        boost = await reblog_status(s, site=SITE, account=fan, status=post)
        await favourite_status(s, account=fan, status=post)
        await favourite_status(s, account=fan, status=boost)  # a boost stands for its original
        await favourite_status(s, account=author, status=post)
        await bookmark_status(s, account=fan, status=post)
        await bookmark_status(s, account=fan, status=post)
    assert (await reload(db, Status, post.id)).favourites_count == 2
    for action in (favourite_status, bookmark_status):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await action(s, account=outsider, status=await s.get(Status, private.id))
    async with db.write() as s:
        await unfavourite_status(s, account=fan, status=post)
        original = await unfavourite_status(s, account=fan, status=post)
        assert original.favourites_count == 1
        await unbookmark_status(s, account=fan, status=post)
        [view] = await load_status_views(s, [await s.get(Status, post.id)], fan.id)
        assert (view.favourited, view.bookmarked, view.reblogged) == (False, False, True)

    async with db.write() as s:
        await pin_status(s, account=author, status=post)
        await pin_status(s, account=author, status=post)
        for other in others[:MAX_PINS - 1]:
            await pin_status(s, account=author, status=other)
    for account, status in ((author, others[-1]), (fan, post), (author, letter), (fan, boost)):
        with pytest.raises(Invalid):
            async with db.write() as s:
                await pin_status(s, account=account, status=await s.get(Status, status.id))
    async with db.write() as s:
        await unpin_status(s, account=author, status=post)
        await unpin_status(s, account=author, status=post)
        await pin_status(s, account=author, status=others[-1])
    # Deleting a pinned post frees its place.
    async with db.write() as s:
        await delete_status(s, actor=author, status=await s.get(Status, others[0].id))
        await pin_status(s, account=author, status=await s.get(Status, post.id))
    with pytest.raises(NotFound):
        async with db.write() as s:
            await pin_status(s, account=author, status=await s.get(Status, others[0].id))
    async with db.read() as s:
        pinned = await list_account_statuses(s, account=author, viewer_id=None, page=Page(),
                                             filters=AccountStatusFilter(pinned=True))
    assert {p.id for p in pinned} == {o.id for o in others[1:]} | {post.id}
