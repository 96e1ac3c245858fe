"""Attaching uploads to posts: up to four, one's own and unattached only, kept in order."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang.core.errors import Invalid
from madang.media import load_media_for_statuses
from madang.models import MediaAttachment, Status
from madang.statuses.edit import edit_status
from tests.factories import SITE, make_account, make_status, reload
from tests.media.factories import upload


async def _statuses(db) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(Status)))


async def _shown(db, status_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return [m.id for m in (await load_media_for_statuses(s, [status_id])).get(status_id, [])]


async def test_post_with_four_photos_in_order_and_no_text(db, store) -> None:
    async with db.write() as s:
        author = await make_account(s, username="photographer")
    media = [await upload(db, store, author, description=f"사진 {i}") for i in range(4)]
    wanted = [media[2].id, media[0].id, media[3].id, media[1].id]
    async with db.write() as s:
        status = await make_status(s, author, "", media_ids=wanted)
    assert await _shown(db, status.id) == wanted
    stored = await reload(db, Status, status.id)
    assert stored.text == "" and stored.content == ""
    async with db.read() as s:
        by_status = await load_media_for_statuses(s, [status.id, 12345])
    assert list(by_status) == [status.id] and [m.description for m in by_status[status.id]] == [
        "사진 2", "사진 0", "사진 3", "사진 1"]


async def test_refused_attachments_change_nothing(db, store) -> None:
    async with db.write() as s:
        author = await make_account(s)
        stranger = await make_account(s)
    mine = [await upload(db, store, author) for _ in range(5)]
    theirs = await upload(db, store, stranger)
    async with db.write() as s:
        taken = await make_status(s, author, "먼저 올린 글", media_ids=[mine[4].id])
    before = await _statuses(db)
    cases = [
        ([m.id for m in mine[:4]] + [theirs.id], "more than 4"),  # a fifth
        ([mine[0].id, theirs.id], str(theirs.id)),  # someone else's
        ([mine[0].id, mine[4].id], str(mine[4].id)),  # already on another post
        ([mine[0].id, 999_999_999], "999999999"),  # unknown
    ]
    for ids, message in cases:
        with pytest.raises(Invalid, match=message) as error:
            async with db.write() as s:
                await make_status(s, author, "사진 글", media_ids=ids)
        assert error.value.field == "media_ids"
    with pytest.raises(Invalid, match="blank"):
        async with db.write() as s:
            await make_status(s, author, "  ", media_ids=[])
    assert await _statuses(db) == before
    async with db.read() as s:
        attached = dict((await s.execute(select(MediaAttachment.id, MediaAttachment.status_id))).all())
    assert attached == {**{m.id: None for m in mine[:4]}, mine[4].id: taken.id, theirs.id: None}
    # Duplicates count once: the same upload twice is one attachment.
    async with db.write() as s:
        status = await make_status(s, author, "같은 사진 두 번", media_ids=[mine[0].id, mine[0].id])
    assert await _shown(db, status.id) == [mine[0].id]


async def test_edit_replaces_the_attachments_and_keeps_the_removed_ones_on_record(db, store) -> None:
    async with db.write() as s:
        author = await make_account(s)
        stranger = await make_account(s)
    a, b, c = [await upload(db, store, author) for _ in range(3)]
    theirs = await upload(db, store, stranger)
    async with db.write() as s:
        status = await make_status(s, author, "공원 사진", media_ids=[a.id, b.id])

    async def edit(**changes):  # type: ignore[no-untyped-def]
        async with db.write() as s:
            current = await s.get(Status, status.id)
            editor = await s.get(type(author), author.id)
            await edit_status(s, site=SITE, editor=editor, status=current, **changes)

    await edit(text="공원 사진 (수정)")  # media_ids not given: unchanged
    assert await _shown(db, status.id) == [a.id, b.id]
    await edit(text="", media_ids=[c.id, a.id])  # blank text is fine with a photo
    assert await _shown(db, status.id) == [c.id, a.id]
    async with db.read() as s:
        removed = await s.get(MediaAttachment, b.id)
    # Taken off the post, but still its record (earlier revisions showed it): not swept away.
    assert (removed.status_id, removed.position) == (status.id, None)
    for changes, message in (({"text": "x", "media_ids": [a.id, theirs.id]}, str(theirs.id)),
                             ({"text": "", "media_ids": []}, "blank")):
        with pytest.raises(Invalid, match=message):
            await edit(**changes)
    assert await _shown(db, status.id) == [c.id, a.id]
    assert (await reload(db, Status, status.id)).text == ""
    await edit(text="사진 없이", media_ids=[])
    assert await _shown(db, status.id) == []
    with pytest.raises(Invalid, match="blank"):
        await edit(text=" ")
