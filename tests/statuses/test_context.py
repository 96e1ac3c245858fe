"""A thread's ancestors and descendants, as the viewer may see them (Mastodon's context)."""

from __future__ import annotations

from madang.accounts import block_account, mute_account
from madang.statuses.delete import delete_status
from madang.statuses.queries import get_context
from tests.factories import follow, make_account, make_status


async def test_context_honours_visibility_and_blocks(db):
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        minji = await make_account(s, username="minji")
        minsu = await make_account(s, username="minsu")
        troll = await make_account(s, username="troll")
        reader = await make_account(s, username="reader")
        await follow(s, minsu, minji)
        root = await make_status(s, city, "이영표 선수가 시청에 와요 #anyang")
        public_reply = await make_status(s, minji, "@anyanglove 사진 꼭 올려 주세요", in_reply_to=root)
        private_reply = await make_status(s, minji, "@anyanglove 저도 갈게요", visibility="private",
                                          in_reply_to=root)
        under_private = await make_status(s, city, "@minji 기다릴게요", in_reply_to=private_reply)
        direct_reply = await make_status(s, minsu, "@minji 같이 가요", visibility="direct",
                                         in_reply_to=public_reply)
        troll_reply = await make_status(s, troll, "@anyanglove 흥", in_reply_to=root)
        under_troll = await make_status(s, city, "@troll 좋은 하루 되세요", in_reply_to=troll_reply)
        photo = await make_status(s, city, "사진 올렸어요", in_reply_to=root)  # the city goes on
        deleted = await make_status(s, minsu, "지울 답글", in_reply_to=public_reply)
        await delete_status(s, actor=minsu, status=deleted)
        await block_account(s, account=reader, target=troll)
        await mute_account(s, account=minsu, target=troll)

    async def thread(status, viewer):  # type: ignore[no-untyped-def]
        async with db.read() as s:
            found = await get_context(s, status, viewer.id if viewer else None)
        return [x.id for x in found.ancestors], [x.id for x in found.descendants]

    # Thread order: the city's own continuation first, then depth first, oldest first.
    assert await thread(root, None) == ([], [photo.id, public_reply.id, under_private.id, troll_reply.id,
                                             under_troll.id])
    # A blocked (or muted) account's reply is left out; what others answered below it stays.
    assert await thread(root, reader) == ([], [photo.id, public_reply.id, under_private.id, under_troll.id])
    # Followers see the followers-only reply; the mentioned see the direct one.
    assert await thread(root, minsu) == ([], [photo.id, public_reply.id, direct_reply.id, private_reply.id,
                                              under_private.id, under_troll.id])
    assert await thread(root, city) == ([], [photo.id, public_reply.id, private_reply.id, under_private.id,
                                             troll_reply.id, under_troll.id])
    assert await thread(under_private, None) == ([root.id], [])
    assert await thread(under_private, minji) == ([root.id, private_reply.id], [])
    assert await thread(under_troll, reader) == ([root.id], [])
    assert await thread(direct_reply, minji) == ([root.id, public_reply.id], [])
