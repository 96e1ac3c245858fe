"""What a list timeline shows its owner: members' posts by the list's rules."""

from __future__ import annotations

import pytest

from madang import lists
from madang.accounts import follow_account, mute_account
from madang.core.errors import NotFound
from madang.db.paging import Page
from madang.models import Status
from madang.statuses.delete import delete_status
from madang.statuses.interactions import reblog_status
from tests.factories import SITE, follow, make_account, make_status


async def timeline(db, owner, list_id, **page) -> list[int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        rows = await lists.list_list_timeline(s, owner_id=owner.id, list_id=list_id, page=Page(**page))
    return [r.id for r in rows]


async def _world(db):  # type: ignore[no-untyped-def]
    async with db.write() as s:
        owner = await make_account(s, username="owner")
        member = await make_account(s, username="member")
        other_member = await make_account(s, username="other_member")
        followed = await make_account(s, username="followed")  # followed, not on the list
        stranger = await make_account(s, username="stranger")
        for who in (member, other_member, followed):
            await follow(s, owner, who)
        row = await lists.create_list(s, owner_id=owner.id, title="동네 소식")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[member.id, other_member.id])
    return owner, member, other_member, followed, stranger, row


async def test_members_posts_newest_first_with_visibility(db):
    owner, member, other_member, followed, stranger, row = await _world(db)
    async with db.write() as s:
        p1 = await make_status(s, member, "안양천 벚꽃 개화")
        outsider = await make_status(s, followed, "목록 밖 글")
        p2 = await make_status(s, other_member, "팔로워에게만", visibility="private")
        p3 = await make_status(s, member, "조용히 공개", visibility="unlisted")
        dm = await make_status(s, member, "@owner 비밀 이야기", visibility="direct")
        gone = await make_status(s, member, "지울 글")
    async with db.write() as s:
        await delete_status(s, status=await s.get(Status, gone.id), actor=member)
    shown = await timeline(db, owner, row.id)
    # Deleted posts, direct messages and non-members' posts never show.
    assert shown == [p3.id, p2.id, p1.id]
    assert outsider.id not in shown and dm.id not in shown and gone.id not in shown
    # Paging with exclusive cursors.
    first = await timeline(db, owner, row.id, limit=2)
    assert first == shown[:2]
    assert await timeline(db, owner, row.id, max_id=first[-1]) == shown[2:]
    assert await timeline(db, owner, row.id, min_id=shown[-1], limit=2) == shown[-3:-1]
    assert await timeline(db, owner, row.id, since_id=shown[1]) == shown[:1]


async def test_owner_on_own_list_and_private_posts(db):
    async with db.write() as s:
        owner = await make_account(s)
        friend = await make_account(s)
        await follow(s, owner, friend)
        row = await lists.create_list(s, owner_id=owner.id, title="친구")
        await lists.add_list_accounts(s, owner_id=owner.id, list_id=row.id, account_ids=[friend.id, owner.id])
        mine = await make_status(s, owner, "내 글도 보여요", visibility="private")
        theirs = await make_status(s, friend, "친구 글", visibility="private")
    assert await timeline(db, owner, row.id) == [theirs.id, mine.id]


@pytest.mark.parametrize("policy", ["followed", "list", "none"])
async def test_replies_policy(db, policy):
    owner, member, other_member, followed, stranger, row = await _world(db)
    async with db.write() as s:
        await lists.update_list(s, owner_id=owner.id, list_id=row.id, replies_policy=policy)
        q_member = await make_status(s, other_member, "질문 (목록 안)")
        q_followed = await make_status(s, followed, "질문 (팔로우)")
        q_stranger = await make_status(s, stranger, "질문 (모르는 사람)")
        q_owner = await make_status(s, owner, "질문 (나)")
        q_self = await make_status(s, member, "이어지는 글 1")
    async with db.write() as s:
        to_member = await make_status(s, member, "@other_member 답 1", in_reply_to=q_member)
        to_followed = await make_status(s, member, "@followed 답 2", in_reply_to=q_followed)
        to_stranger = await make_status(s, member, "@stranger 답 3", in_reply_to=q_stranger)
        to_owner = await make_status(s, member, "@owner 답 4", in_reply_to=q_owner)
        to_self = await make_status(s, member, "이어지는 글 2", in_reply_to=q_self)
    shown = set(await timeline(db, owner, row.id))
    # Self-replies and replies to the owner always; a stranger's thread never.
    assert {to_self.id, to_owner.id, q_self.id, q_member.id} <= shown
    assert to_stranger.id not in shown and q_stranger.id not in shown
    expected = {"followed": {to_member.id, to_followed.id}, "list": {to_member.id}, "none": set()}[policy]
    assert {to_member.id, to_followed.id} & shown == expected


async def test_mutes_blocks_and_boosts(db):
    owner, member, other_member, followed, stranger, row = await _world(db)
    async with db.write() as s:
        original = await make_status(s, stranger, "모르는 사람의 좋은 글")
        boost = await reblog_status(s, site=SITE, account=member, status=original)
        post = await make_status(s, other_member, "목록 구성원의 글")
    assert await timeline(db, owner, row.id) == [post.id, boost.id]
    async with db.write() as s:
        await mute_account(s, account=owner, target=stranger)
    # The boost of a muted author's post goes; the member's own posts stay.
    assert await timeline(db, owner, row.id) == [post.id]
    async with db.write() as s:
        await mute_account(s, account=owner, target=other_member)
    assert await timeline(db, owner, row.id) == []


async def test_boosts_hidden_when_reblogs_turned_off(db):
    owner, member, other_member, followed, stranger, row = await _world(db)
    async with db.write() as s:
        original = await make_status(s, followed, "공유할 글")
        boost = await reblog_status(s, site=SITE, account=member, status=original)
    assert boost.id in await timeline(db, owner, row.id)
    async with db.write() as s:
        await follow_account(s, account=owner, target=member, reblogs=False)
    assert boost.id not in await timeline(db, owner, row.id)


async def test_not_the_owner_is_not_found_and_stream_helper(db):
    owner, member, other_member, followed, stranger, row = await _world(db)
    async with db.write() as s:
        post = await make_status(s, member, "스트림으로 갈 글")
        reply = await make_status(s, member, "@stranger 모르는 사람에게 답", in_reply_to=await make_status(s, stranger, "?"))
    with pytest.raises(NotFound):
        await timeline(db, stranger, row.id)
    async with db.read() as s:
        assert await lists.list_ids_showing(s, status_id=post.id, author_id=member.id) == [(row.id, owner.id)]
        assert await lists.list_ids_showing(s, status_id=reply.id, author_id=member.id) == []
        assert await lists.list_ids_showing(s, status_id=post.id, author_id=member.id, among=[row.id + 1]) == []
