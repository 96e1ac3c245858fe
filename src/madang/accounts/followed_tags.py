"""Followed hashtags (Mastodon's followed_tags): following, unfollowing, listing. Delivery of
a followed tag's new posts into home feeds is ``statuses.delivery``'s."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.db.paging import Page, fetch_page
from madang.models import Follow, HomeFeedEntry, StatusTag, Tag, TagFollow
from madang.text.tags import is_valid_tag, normalize_tag


def _bare(name: str) -> str:
    """A name that cannot be a hashtag names no tag: 404, as Mastodon answers."""
    bare = (name or "").strip().lstrip("#＃")
    if not bare or not is_valid_tag(bare):
        raise NotFound("Record not found")
    return bare


async def find_tag_named(session: AsyncSession, name: str) -> Tag | None:
    return await session.scalar(select(Tag).where(Tag.key == normalize_tag(_bare(name))))


async def follow_tag(session: AsyncSession, *, account_id: int, name: str) -> Tag:
    """The tag is created on first follow (it need not have been posted yet). Idempotent."""
    bare = _bare(name)
    key = normalize_tag(bare)
    await session.execute(insert_ignore(session, Tag.__table__).values(
        id=new_id(), key=key, name=bare, created_at=utcnow()))
    tag = await session.scalar(select(Tag).where(Tag.key == key))
    assert tag is not None
    await session.execute(insert_ignore(session, TagFollow.__table__).values(
        id=new_id(), account_id=account_id, tag_id=tag.id, created_at=utcnow()))
    return tag


async def unfollow_tag(session: AsyncSession, *, account_id: int, name: str) -> Tag | None:
    """Idempotent. The tag's posts leave the home feed, as Mastodon's unmerge does, except
    one's own, those of accounts one follows and those carrying another followed tag."""
    tag = await find_tag_named(session, name)
    if tag is None:
        return None
    removed = await session.execute(delete(TagFollow).where(
        TagFollow.account_id == account_id, TagFollow.tag_id == tag.id)
        .execution_options(synchronize_session=False))
    if not removed.rowcount:
        return tag
    followed = select(Follow.target_account_id).where(Follow.account_id == account_id)
    still_tagged = (select(StatusTag.status_id).join(TagFollow, TagFollow.tag_id == StatusTag.tag_id)
                    .where(TagFollow.account_id == account_id))
    await session.execute(delete(HomeFeedEntry).where(
        HomeFeedEntry.account_id == account_id,
        HomeFeedEntry.status_id.in_(select(StatusTag.status_id).where(StatusTag.tag_id == tag.id)),
        HomeFeedEntry.author_id != account_id, HomeFeedEntry.author_id.not_in(followed),
        HomeFeedEntry.status_id.not_in(still_tagged),
    ).execution_options(synchronize_session=False))
    return tag


async def list_followed_tags(session: AsyncSession, *, account_id: int, page: Page) -> list[tuple[int, Tag]]:
    """(follow id, tag), newest follow first: the follow id is the page cursor."""
    stmt = (select(TagFollow.id, Tag).join(Tag, Tag.id == TagFollow.tag_id)
            .where(TagFollow.account_id == account_id))
    return [(fid, tag) for fid, tag in await fetch_page(session, stmt, TagFollow.id, page, rows=True)]


async def followed_tag_ids(session: AsyncSession, *, account_id: int | None, tag_ids: Iterable[int]) -> set[int]:
    wanted = set(tag_ids)
    if account_id is None or not wanted:
        return set()
    return set(await session.scalars(select(TagFollow.tag_id).where(
        TagFollow.account_id == account_id, TagFollow.tag_id.in_(wanted))))
