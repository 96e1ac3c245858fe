"""Posting: the length rule, validation, mentions, tags, replies and Idempotency-Key."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from madang.accounts import block_account
from madang.core import clock
from madang.core.errors import Invalid, NotFound
from madang.models import Account, HomeFeedEntry, Mention, Status, StatusEdit, StatusTag, Tag
from madang.statuses.delete import delete_status
from madang.statuses.views import load_status_views
from tests.factories import make_account, make_status, reload

URL = "https://anyang.go.kr/portal/main.do?lang=ko"


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)))


async def test_length_and_validation(db):
    async with db.write() as s:
        author = await make_account(s, username="minji")
    async with db.write() as s:
        exactly = await make_status(s, author, "가" * 140)
        # A URL counts 23 whatever its length: 117 + 23 = 140.
        with_url = await make_status(s, author, "나" * 116 + " " + URL)
    for text, field in (("가" * 141, "status"), ("다" * 117 + " " + URL, "status"), ("   \n ", "status")):
        with pytest.raises(Invalid) as error:
            async with db.write() as s:
                await make_status(s, author, text)
        assert error.value.field == field
    with pytest.raises(Invalid) as error:
        async with db.write() as s:
            await make_status(s, author, "공개 범위가 이상해요", visibility="everyone")
    assert error.value.field == "visibility"
    with pytest.raises(Invalid):
        async with db.write() as s:
            await make_status(s, author, "언어 코드가 이상해요", language="한국어")
    # Failures wrote nothing: two posts, two revisions, two feed entries.
    assert (await count(db, Status), await count(db, StatusEdit), await count(db, HomeFeedEntry)) == (2, 2, 2)

    stored = await reload(db, Status, exactly.id)
    assert stored.language == "ko" and stored.visibility == "public" and stored.text == "가" * 140
    assert with_url.content.count("<a ") == 1
    me = await reload(db, Account, author.id)
    assert me.statuses_count == 2


async def test_counts_and_last_status_date(db):
    """last_status_at is the instance's (Seoul's) date; a direct message counts toward
    nothing, and only public or unlisted replies count toward replies_count (Mastodon)."""
    async with db.write() as s:
        author = await make_account(s, username="sujin")
        friend = await make_account(s, username="hogye")
    # 07:30 in Seoul on 20 July is still 19 July in UTC.
    clock.set_clock(clock.FrozenClock(datetime(2010, 7, 19, 22, 30, tzinfo=timezone.utc)))
    try:
        async with db.write() as s:
            root = await make_status(s, author, "아침 인사")
            await make_status(s, friend, "@sujin 쉿, 비밀이에요", visibility="direct", in_reply_to=root)
            await make_status(s, friend, "팔로워에게만", visibility="private", in_reply_to=root)
            await make_status(s, friend, "조용히 공개", visibility="unlisted", in_reply_to=root)
            await make_status(s, friend, "공개 답글", in_reply_to=root)
    finally:
        clock.set_clock(clock.Clock())
    me = await reload(db, Account, author.id)
    assert me.last_status_at == date(2010, 7, 20)
    assert (await reload(db, Account, friend.id)).statuses_count == 3  # the direct one is not counted
    assert (await reload(db, Status, root.id)).replies_count == 2


async def test_mentions_and_tags(db):
    async with db.write() as s:
        city = await make_account(s, username="anyanglove")
        mayor = await make_account(s, username="choidaeho777")
        author = await make_account(s, username="hyunwoo")
    async with db.write() as s:
        post = await make_status(
            s, author, "주차장 있을까요? 문의@anyanglove @choidaeho777님 @nobody @someone@other.example "
            "#Anyang #안양 #ANYANG")
        later = await make_status(s, author, "오늘도 #anyang #안양천")
    async with db.read() as s:
        mentioned = set(await s.scalars(select(Mention.account_id).where(Mention.status_id == post.id)))
        assert mentioned == {city.id, mayor.id}
        tags = {t.key: t.name for t in await s.scalars(select(Tag))}
        assert tags == {"anyang": "Anyang", "안양": "안양", "안양천": "안양천"}
        later_tags = set(await s.scalars(
            select(Tag.name).join(StatusTag, StatusTag.tag_id == Tag.id).where(StatusTag.status_id == later.id)))
        assert later_tags == {"Anyang", "안양천"}
    # Mentions link to the accounts; the post keeps each tag as typed, its tag list shows
    # the tag as first written anywhere.
    assert 'href="https://madang.test/@anyanglove"' in post.content
    assert 'href="https://madang.test/@choidaeho777"' in post.content
    async with db.read() as s:
        [view] = await load_status_views(s, [later], None)
        assert sorted(t.name for t in view.tags) == ["Anyang", "안양천"]


async def test_replies_to_what_cannot_be_seen(db):
    async with db.write() as s:
        author = await make_account(s, username="jihoon")
        other = await make_account(s, username="bisan_mom")
        blocker = await make_account(s, username="grumpy")
    async with db.write() as s:
        root = await make_status(s, other, "어린이 도서관 문 여나요?")
        gone = await make_status(s, other, "지울 글")
        secret = await make_status(s, other, "팔로워 전용", visibility="private")
        letter = await make_status(s, other, "@grumpy 비밀 편지", visibility="direct")
        blocked = await make_status(s, blocker, "차단한 사람의 글")
        await block_account(s, account=blocker, target=author)
        await delete_status(s, actor=other, status=gone)
    async with db.write() as s:
        reply = await make_status(s, author, "@bisan_mom 토요일엔 열어요", in_reply_to=root)
        assert (reply.in_reply_to_id, reply.in_reply_to_account_id) == (root.id, other.id)
    before = (await count(db, Status), await count(db, StatusEdit), await count(db, Tag))
    for target in (gone, secret, letter, blocked):
        with pytest.raises(NotFound):
            async with db.write() as s:
                await make_status(s, author, "답글 #새태그", in_reply_to=target)
    with pytest.raises(NotFound):
        async with db.write() as s:
            await make_status(s, author, "없는 글에", in_reply_to_id=12345)
    assert (await count(db, Status), await count(db, StatusEdit), await count(db, Tag)) == before
    assert (await reload(db, Status, root.id)).replies_count == 1
    assert (await reload(db, Account, author.id)).statuses_count == 1


async def test_idempotency_key_returns_the_same_status(db):
    async with db.write() as s:
        author = await make_account(s, username="yerin")
        other = await make_account(s, username="dahye")
    async with db.write() as s:
        first = await make_status(s, author, "두 번 눌렀어요", idempotency_key="abc-123")
    async with db.write() as s:
        again = await make_status(s, author, "두 번 눌렀어요", idempotency_key="abc-123")
        theirs = await make_status(s, other, "같은 키, 다른 사람", idempotency_key="abc-123")
    assert again.id == first.id and theirs.id != first.id
    assert await count(db, Status) == 2
    assert (await reload(db, Account, author.id)).statuses_count == 1


async def test_text_prepared_before_the_write_unit_stores_the_same_post(db):
    """The API prepares the text outside the write unit (prepare_text); the post, its HTML,
    mentions, tags and search terms are the same as when create_status prepares it."""
    from madang.models import StatusSearchTerm
    from madang.statuses.composing import prepare_text
    from tests.factories import SITE

    async with db.write() as s:
        author = await make_account(s, username="prepared")
        await make_account(s, username="anyangcity")
    text = "  @anyangcity 평촌역 자전거 도로가 끊겼어요 #안양 " + URL
    prepared = prepare_text(text, "", max_characters=SITE.max_characters)
    async with db.write() as s:
        early = await make_status(s, author, text, prepared=prepared)
    async with db.write() as s:
        late = await make_status(s, author, text)

    async def stored(status_id):  # type: ignore[no-untyped-def]
        async with db.read() as s:
            row = await s.get(Status, status_id)
            terms = set(await s.scalars(select(StatusSearchTerm.term).where(StatusSearchTerm.status_id == status_id)))
            mentions = set(await s.scalars(select(Mention.account_id).where(Mention.status_id == status_id)))
            tags = set(await s.scalars(select(StatusTag.tag_id).where(StatusTag.status_id == status_id)))
            return row.text, row.content, terms, mentions, tags

    assert await stored(early.id) == await stored(late.id)
    text_, content, terms, mentions, tags = await stored(early.id)
    assert text_ == text and "평촌" in terms and "도로" in terms and len(mentions) == 1 and len(tags) == 1
    with pytest.raises(Invalid):  # the length rule holds where the text is prepared
        prepare_text("가" * 141, "", max_characters=SITE.max_characters)
