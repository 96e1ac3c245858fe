"""Search shows only what the reader may see: visibility, blocks, mutes, opting out
(`indexable`), deletion and edits, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from madang import accounts
from madang.core.clock import utcnow
from madang.db import Database
from madang.models import Account, Status, StatusSearchTerm
from madang.search import StatusSearch, search_statuses
from madang.statuses.delete import delete_status
from madang.statuses.edit import edit_status
from madang.statuses.interactions import reblog_status
from madang.text.lemmas import index_terms
from tests.factories import SITE, follow, make_account, make_status


async def found(db: Database, viewer: Account, query: str) -> list[int]:
    async with db.read() as s:
        return [st.id for st in await search_statuses(s, viewer_id=viewer.id, search=StatusSearch(query=query))]


async def three(db: Database) -> tuple[Account, Account, Account]:
    async with db.write() as s:
        return (await make_account(s, username="author"), await make_account(s, username="follower"),
                await make_account(s, username="stranger"))


async def test_followers_only_and_unlisted_posts(db: Database) -> None:
    author, follower, stranger = await three(db)
    async with db.write() as s:
        await follow(s, follower, author)
        private = await make_status(s, author, "안양 비밀 모임 공지", visibility="private")
        unlisted = await make_status(s, author, "안양 조용한 소식", visibility="unlisted")
        public = await make_status(s, author, "안양 공개 소식")
    assert await found(db, stranger, "안양") == [public.id]
    assert await found(db, follower, "안양") == [public.id, unlisted.id, private.id]
    assert await found(db, author, "안양") == [public.id, unlisted.id, private.id]


async def test_direct_messages_only_to_those_mentioned(db: Database) -> None:
    author, follower, stranger = await three(db)
    async with db.write() as s:
        await follow(s, follower, author)
        dm = await make_status(s, author, "@stranger 안양 민원 답변드립니다", visibility="direct")
    assert await found(db, stranger, "민원") == [dm.id]
    assert await found(db, follower, "민원") == []
    assert await found(db, author, "민원") == [dm.id]


async def test_blocks_either_way_and_mutes_hide_posts(db: Database) -> None:
    author, follower, stranger = await three(db)
    async with db.write() as s:
        await make_status(s, author, "평촌 카페 추천")
        await accounts.block_account(s, account=stranger, target=author)
        await accounts.block_account(s, account=author, target=follower)
    assert await found(db, stranger, "평촌") == []
    assert await found(db, follower, "평촌") == []
    async with db.write() as s:
        await accounts.unblock_account(s, account=stranger, target=author)
    assert len(await found(db, stranger, "평촌")) == 1
    async with db.write() as s:
        await accounts.mute_account(s, account=stranger, target=author)
    assert await found(db, stranger, "평촌") == []


async def test_an_author_who_opts_out_is_found_only_by_themselves(db: Database) -> None:
    author, follower, stranger = await three(db)
    async with db.write() as s:
        await follow(s, follower, author)
        post = await make_status(s, author, "범계역 맛집 후기")
        await accounts.update_profile(s, await s.get(Account, author.id), indexable=False)
    assert await found(db, stranger, "범계") == []
    assert await found(db, follower, "범계") == []
    assert await found(db, author, "범계") == [post.id]
    async with db.write() as s:
        await accounts.update_profile(s, await s.get(Account, author.id), indexable=True)
    assert await found(db, stranger, "범계") == [post.id]


async def test_suspended_authors_are_not_found(db: Database) -> None:
    author, _, stranger = await three(db)
    async with db.write() as s:
        await make_status(s, author, "인덕원 공사 소식")
        (await s.get(Account, author.id)).suspended_at = utcnow() - timedelta(minutes=1)
    assert await found(db, stranger, "인덕원") == []


async def index_of(db: Database, status_id: int) -> set[str]:
    async with db.read() as s:
        return set(await s.scalars(select(StatusSearchTerm.term).where(StatusSearchTerm.status_id == status_id)))


async def test_deleted_posts_never_appear_and_leave_the_index(db: Database) -> None:
    author, _, stranger = await three(db)
    async with db.write() as s:
        post = await make_status(s, author, "안양천 벚꽃 만개 #안양천")
    assert await index_of(db, post.id) == index_terms(post.text)
    async with db.write() as s:
        await delete_status(s, actor=await s.get(Account, author.id), status=await s.get(Status, post.id))
    assert await found(db, stranger, "벚꽃") == []
    assert await found(db, author, "벚꽃") == []
    assert await index_of(db, post.id) == set()


async def test_edits_are_reindexed(db: Database) -> None:
    author, _, stranger = await three(db)
    async with db.write() as s:
        post = await make_status(s, author, "수원 화성 야간 개장", spoiler_text="나들이")
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=await s.get(Account, author.id), status=await s.get(Status, post.id),
                          text="안양 예술공원 야간 개장")
    assert await found(db, stranger, "수원") == []
    assert await found(db, stranger, "예술공원") == [post.id]
    assert await found(db, stranger, "야간 개장") == [post.id]
    assert await found(db, stranger, "나들이") == [post.id]  # the content warning is searched too
    assert await index_of(db, post.id) == index_terms("안양 예술공원 야간 개장", "나들이")


async def test_a_boost_does_not_show_the_post_twice(db: Database) -> None:
    author, follower, stranger = await three(db)
    async with db.write() as s:
        post = await make_status(s, author, "명학역 출구 공사")
        await reblog_status(s, site=SITE, account=await s.get(Account, follower.id), status=post)
    assert await found(db, stranger, "명학역") == [post.id]
    async with db.read() as s:
        rows = await s.scalar(select(func.count()).select_from(StatusSearchTerm))
    assert rows == len(index_terms(post.text))
