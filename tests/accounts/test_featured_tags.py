"""Featured hashtags on both databases: counts from real posts, limits, and others' rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang import accounts
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db import Database
from madang.models import FeaturedTag, Tag
from tests.factories import make_account, make_status


async def test_featuring_tags_with_their_counts(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s, username="gardener")
        other = await make_account(s, username="neighbour")
        for text in ("#텃밭 상추", "#텃밭 고추", "#Seoul 산책"):
            await make_status(s, me, text)
        await make_status(s, me, "#텃밭 비밀", visibility="private")  # not counted for visitors
        await make_status(s, other, "#텃밭 남의 밭")
        await make_status(s, me, "#주말농장 첫날")
        garden = await accounts.feature_tag(s, account=me, name="#텃밭")
        fresh = await accounts.feature_tag(s, account=me, name="처음쓰는태그")
    assert (garden.tag.name, garden.statuses_count) == ("텃밭", 2)
    assert garden.last_status_at is not None
    assert (fresh.tag.name, fresh.statuses_count, fresh.last_status_at) == ("처음쓰는태그", 0, None)

    async with db.read() as s:
        views = await accounts.list_featured_tags(s, account_id=me.id)
        assert [(v.tag.name, v.statuses_count) for v in views] == [("텃밭", 2), ("처음쓰는태그", 0)]
        # Suggestions: my most used tags I do not feature yet.
        assert [t.name for t in await accounts.suggest_featured_tags(s, account_id=me.id)] == ["Seoul", "주말농장"]
        assert await accounts.list_featured_tags(s, account_id=other.id) == []

    with pytest.raises(NotFound):
        async with db.write() as s:
            await accounts.unfeature_tag(s, account_id=other.id, featured_tag_id=garden.id)
    async with db.write() as s:
        await accounts.unfeature_tag(s, account_id=me.id, featured_tag_id=garden.id)
    async with db.read() as s:
        assert [v.tag.name for v in await accounts.list_featured_tags(s, account_id=me.id)] == ["처음쓰는태그"]


@pytest.mark.parametrize(("name", "error"), [("", Invalid), ("#", Invalid), ("태그 두개", Invalid),
                                              ("123", Invalid), ("텃밭", Conflict), ("TEXTBAT", Conflict)])
async def test_bad_names_change_nothing(db: Database, name: str, error: type[Exception]) -> None:
    async with db.write() as s:
        me = await make_account(s, username="gardener")
        await accounts.feature_tag(s, account=me, name="텃밭")
        await accounts.feature_tag(s, account=me, name="Textbat")
    async with db.read() as s:
        tags_before = await s.scalar(select(func.count()).select_from(Tag))
    with pytest.raises(error):
        async with db.write() as s:
            await accounts.feature_tag(s, account=me, name=name)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(FeaturedTag)) == 2
        assert await s.scalar(select(func.count()).select_from(Tag)) == tags_before


async def test_at_most_ten(db: Database) -> None:
    async with db.write() as s:
        me = await make_account(s, username="collector")
        for n in range(10):
            await accounts.feature_tag(s, account=me, name=f"태그{n}")
    with pytest.raises(Invalid):
        async with db.write() as s:
            await accounts.feature_tag(s, account=me, name="열한번째")
    async with db.read() as s:
        assert len(await accounts.list_featured_tags(s, account_id=me.id)) == 10
