"""Tags a process has seen committed are reused without a query, and only those: a tag from
a post that was rolled back is written again by the next post that uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from madang.core.errors import Invalid
from madang.db.database import CACHES
from madang.models import StatusTag, Tag
from tests.factories import make_account, make_status


async def _tag_ids_of(db, status_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return list(await s.scalars(select(StatusTag.tag_id).where(StatusTag.status_id == status_id)))


async def test_a_rolled_back_tag_is_not_remembered_and_committed_ones_are(db) -> None:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        author = await make_account(s, username="tagcache")
    with pytest.raises(Invalid):
        async with db.write() as s:
            await make_status(s, author, "새 태그 #벚꽃축제")
            raise Invalid("rolled back on purpose")
    assert "벚꽃축제" not in db.session_info[CACHES].get("tags", {})

    async with db.write() as s:
        posted = await make_status(s, author, "다시 #벚꽃축제 #Anyang")
    async with db.read() as s:
        tags = {t.key: t for t in await s.scalars(select(Tag))}
    assert set(await _tag_ids_of(db, posted.id)) == {tags["벚꽃축제"].id, tags["anyang"].id}
    known = db.session_info[CACHES]["tags"]
    assert known["벚꽃축제"].id == tags["벚꽃축제"].id and known["anyang"].name == "Anyang"

    # Now from the cache: the same ids, and the first spelling kept.
    async with db.write() as s:
        again = await make_status(s, author, "또 #ANYANG")
    assert await _tag_ids_of(db, again.id) == [tags["anyang"].id]
