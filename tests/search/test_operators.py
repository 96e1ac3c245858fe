"""Mastodon's search operators and phrases over a small Korean city, on SQLite and PostgreSQL.

Two citizens post through the real use cases on set days (Asia/Seoul), with photos, a poll,
replies, a content warning, English and links; a third searches. Each query must find
exactly the posts listed, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from madang.core.clock import Clock, FrozenClock, set_clock
from madang.core.errors import Invalid
from madang.db import Database
from madang.media import LocalMediaStore
from madang.models import Account
from madang.search import StatusSearch, search_statuses
from madang.statuses.polls import PollSpec
from tests.factories import make_account, make_status
from tests.media.factories import upload

DOMAIN = "madang.test"


def seoul(day: int, hour: int) -> datetime:
    """``hour`` o'clock on March ``day`` 2026 in Seoul, in UTC."""
    return datetime(2026, 3, day, hour, tzinfo=ZoneInfo("Asia/Seoul")).astimezone(timezone.utc)


@dataclass
class City:
    db: Database
    reader: Account
    love: Account
    hall: Account
    ids: dict[str, int]

    async def find(self, query: str, **options: object) -> list[str]:
        keys = {v: k for k, v in self.ids.items()}
        async with self.db.read() as s:
            found = await search_statuses(s, viewer_id=self.reader.id, search=StatusSearch(
                query=query, limit=40, local_domain=DOMAIN, **options))  # type: ignore[arg-type]
        return [keys.get(st.id, str(st.id)) for st in found]


@pytest.fixture
async def city(db: Database, tmp_path: Path) -> City:
    clock = FrozenClock(seoul(1, 10))
    set_clock(clock)
    store = LocalMediaStore(tmp_path / "media")
    ids: dict[str, int] = {}
    try:
        async with db.write() as s:
            reader = await make_account(s, username="reader")
            love = await make_account(s, username="anyanglove")
            hall = await make_account(s, username="anyang_hall")
        photo = await upload(db, store, love, description="벚꽃 사진")

        async def post(key: str, author: Account, text: str, day: int, hour: int, **options: object) -> None:
            clock.at = seoul(day, hour)
            async with db.write() as s:
                ids[key] = (await make_status(s, author, text, **options)).id  # type: ignore[arg-type]

        await post("f1", love, "안양 벚꽃 축제 시작했어요", 1, 10, media_ids=[photo.id])
        await post("f2", hall, "안양 벚꽃 축제 교통 통제 안내 https://anyang.go.kr/notice", 1, 23)
        await post("f3", love, "축제 끝나고 중앙공원 산책", 2, 0)  # just after midnight in Seoul
        await post("f4", love, "벚꽃 축제 어디가 좋아요?", 2, 12,
                   poll=PollSpec(options=("안양천", "중앙공원"), expires_in=86400))
        await post("f5", hall, "축제 주차 문의는 여기로", 3, 9, in_reply_to_id=ids["f4"])
        await post("f6", love, "축제 사진 스포일러", 3, 15, spoiler_text="사진 주의", sensitive=True)
        await post("f7", hall, "Anyang cherry blossom festival 축제", 4, 11, language="en")
        await post("f8", love, "안양 중앙공원 벚꽃길 걸었어요", 4, 20)
        await post("f9", hall, "벚꽃길 안양 중앙공원", 5, 8)
        await post("f10", love, "자세한 안내는 http 말고 공지를 보세요 축제", 5, 9)
    finally:
        set_clock(Clock())
    return City(db, reader, love, hall, ids)


CASES: list[tuple[str, str, str]] = [
    ("from:anyanglove 축제", "f10 f6 f4 f3 f1", "Korean text by one author"),
    ("from:@anyanglove 축제", "f10 f6 f4 f3 f1", "with the @"),
    (f"from:@anyanglove@{DOMAIN} 축제", "f10 f6 f4 f3 f1", "the local domain names a local account"),
    ("from:ANYANGLOVE", "f10 f8 f6 f4 f3 f1", "an operator alone walks the author's posts; names fold case"),
    ("-from:anyanglove 축제", "f7 f5 f2", "not by that author"),
    ("from:nobody 축제", "", "an author nobody is finds nothing"),
    ("축제 has:media", "f1", "with a photo"),
    ("has:image", "f1", "by the photo's type"),
    ("has:video", "", "no video here"),
    ("축제 -has:media", "f10 f7 f6 f5 f4 f3 f2", "without photos"),
    ("has:poll", "f4", "a poll (alone: walks the posts with polls)"),
    ("has:media", "f1", "photos alone: walks the posts with photos"),
    ("has:media has:poll", "", "both at once: none here"),
    ("has:poll -from:anyanglove", "", "the poll is hers"),
    ("축제 has:link", "f2", "a real link, not the word http"),
    ("축제 -has:link", "f10 f7 f6 f5 f4 f3 f1", "no link"),
    ("is:reply", "f5", "replies"),
    ("축제 -is:reply", "f10 f7 f6 f4 f3 f2 f1", "not replies"),
    ("is:sensitive", "f6", "behind a content warning"),
    ("language:en", "f7", "English"),
    ("축제 -language:en", "f10 f6 f5 f4 f3 f2 f1", "not English"),
    ("축제 before:2026-03-02", "f2 f1", "before the 2nd in Seoul: 23:00 on the 1st counts"),
    ("축제 after:2026-03-01", "f10 f7 f6 f5 f4 f3", "after the whole of the 1st"),
    ("축제 during:2026-03-02", "f4 f3", "00:00 to 24:00 Seoul time"),
    ("축제 -during:2026-03-02", "f10 f7 f6 f5 f2 f1", "not on that day"),
    ("축제 after:2026-03-01 before:2026-03-04", "f6 f5 f4 f3", "a range"),
    ("축제 -before:2026-03-03", "f10 f7 f6 f5", "not before the 3rd"),
    ("축제 -주차", "f10 f7 f6 f4 f3 f2 f1", "a word left out"),
    ("축제 -사진", "f10 f7 f5 f4 f3 f2 f1", "a word left out, in the content warning too"),
    ('"중앙공원 벚꽃길"', "f8", "a phrase: the words next to each other, in order"),
    ('"안양 중앙공원"', "f9 f8", "a phrase inside longer text"),
    ('"벚꽃 축제"', "f4 f2 f1", "Korean phrase; 벚꽃길 … 축제 is not it"),
    ("“벚꽃 축제” from:anyanglove", "f4 f1", "curly quotes as phones type them, with an operator"),
    ('축제 -"벚꽃 축제"', "f10 f7 f6 f5 f3", "a phrase left out"),
    ('"cherry blossom"', "f7", "a Latin phrase"),
    ('"blossom cherry"', "", "the order matters"),
    ("in:library 축제", "", "an operator madang does not know is text: in, library, 축제"),
    ("축제:안내", "f10 f2", "word:word is text, Korean too"),
    ("-축제", "", "exclusions alone are no search"),
    ("from:anyanglove -from:anyanglove", "", "conditions that cannot both hold"),
]


async def test_operator_corpus(city: City) -> None:
    failures = []
    for query, expected, why in CASES:
        found = await city.find(query)
        if found != expected.split():
            failures.append(f"{query!r} ({why}): found {found}, expected {expected.split()}")
    assert not failures, "\n".join(failures)


async def test_account_id_and_from_meet(city: City) -> None:
    assert await city.find("축제 from:anyanglove", account_id=city.love.id) == ["f10", "f6", "f4", "f3", "f1"]
    assert await city.find("축제 from:anyanglove", account_id=city.hall.id) == []


async def test_phrase_pages_fill_after_the_text_check(city: City) -> None:
    async with city.db.read() as s:
        async def page(**options: object) -> list[int]:
            return [st.id for st in await search_statuses(s, viewer_id=city.reader.id, search=StatusSearch(
                query='"벚꽃 축제"', local_domain=DOMAIN, **options))]  # type: ignore[arg-type]
        first, second, third = await page(limit=1), await page(limit=1, offset=1), await page(limit=2, offset=2)
        older = await page(limit=5, max_id=city.ids["f4"])
    assert first + second + third == [city.ids[k] for k in ("f4", "f2", "f1")]
    assert older == [city.ids["f2"], city.ids["f1"]]


@pytest.mark.parametrize("query", ["has:nothing", "is:deleted", "before:2026-13-01", "during:어제",
                                   "after:2026-3-1", "language:한국어"])
async def test_bad_operator_values_are_invalid(city: City, query: str) -> None:
    with pytest.raises(Invalid):
        await city.find(f"축제 {query}")
