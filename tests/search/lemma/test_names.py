"""People and hashtags by lemma (decision 0061), on SQLite and PostgreSQL: a particle after a
Hangul name or a romanised handle no longer hides it."""

from __future__ import annotations

from madang.db import Database
from madang.search.everything import search_everything
from tests.factories import make_account, make_status


async def test_names_and_tags_with_a_particle(db: Database) -> None:
    async with db.write() as s:
        hall = await make_account(s, username="anyang", display_name="안양시청")
        reader = await make_account(s, username="reader", display_name="독자")
        await make_status(s, hall, "봄맞이 #안양천 #KTX 안내")

    async def find(query: str, viewer: int | None = None) -> tuple[list[str], list[str]]:
        async with db.read() as s:
            r = await search_everything(s, query=query, viewer_id=viewer)
        return [a.username for a in r.accounts], [t.name for t in r.tags]

    assert (await find("안양시청에서"))[0] == ["anyang"]  # a Hangul display name with a particle
    assert (await find("anyang을"))[0] == ["anyang"]  # a romanised handle with a particle
    assert (await find("안양천에서"))[1] == ["안양천"]
    assert (await find("#안양천에서"))[1] == ["안양천"]
    assert (await find("KTX를", reader.id))[1] == ["KTX"]
    assert await find("안양시청") == (["anyang"], [])  # as typed, as before
    assert (await find("부산에서"))[0] == []
