"""Featured hashtags: the tags an account shows on its profile, with how often it used them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.models import Account, FeaturedTag, Status, StatusTag, Tag
from madang.text.tags import is_valid_tag, normalize_tag

MAX_FEATURED_TAGS = 10  # as advertised in the instance's configuration.accounts
SHOWN = ("public", "unlisted")  # what a profile visitor may count


@dataclass(frozen=True)
class FeaturedTagView:
    id: int
    tag: Tag
    statuses_count: int
    last_status_at: datetime | None


def _use_counts(account_id: int, tag_ids: list[int]):  # type: ignore[no-untyped-def]
    return (select(StatusTag.tag_id, func.count(), func.max(Status.created_at))
            .join(Status, Status.id == StatusTag.status_id)
            .where(Status.account_id == account_id, StatusTag.tag_id.in_(tag_ids), Status.deleted_at.is_(None),
                   Status.visibility.in_(SHOWN), Status.reblog_of_id.is_(None))
            .group_by(StatusTag.tag_id))


async def list_featured_tags(session: AsyncSession, *, account_id: int) -> list[FeaturedTagView]:
    rows = list(await session.execute(select(FeaturedTag, Tag).join(Tag, Tag.id == FeaturedTag.tag_id)
                                      .where(FeaturedTag.account_id == account_id).order_by(FeaturedTag.id)))
    counts = {t: (n, last) for t, n, last in await session.execute(_use_counts(account_id, [t.id for _, t in rows]))}
    return [FeaturedTagView(f.id, t, *counts.get(t.id, (0, None))) for f, t in rows]


async def _tag_named(session: AsyncSession, name: str | None) -> Tag:
    """The tag of that name, created on first use (a tag need not have been posted yet)."""
    bare = (name or "").strip().lstrip("#＃")
    if not bare or not is_valid_tag(bare):
        raise Invalid("Name is not a valid hashtag", field="name")
    key = normalize_tag(bare)
    await session.execute(insert_ignore(session, Tag.__table__).values(
        id=new_id(), key=key, name=bare, created_at=utcnow()))
    tag = await session.scalar(select(Tag).where(Tag.key == key))
    assert tag is not None
    return tag


async def feature_tag(session: AsyncSession, *, account: Account, name: str | None) -> FeaturedTagView:
    tag = await _tag_named(session, name)
    mine = list(await session.scalars(select(FeaturedTag.tag_id).where(FeaturedTag.account_id == account.id)))
    if tag.id in mine:
        raise Conflict("Name has already been taken", field="name")
    if len(mine) >= MAX_FEATURED_TAGS:
        raise Invalid(f"You cannot feature more than {MAX_FEATURED_TAGS} hashtags", field="name")
    row = FeaturedTag(account_id=account.id, tag_id=tag.id, created_at=utcnow())
    session.add(row)
    await session.flush()
    counts = (await session.execute(_use_counts(account.id, [tag.id]))).first()
    return FeaturedTagView(row.id, tag, *(counts[1:] if counts else (0, None)))


async def unfeature_tag(session: AsyncSession, *, account_id: int, featured_tag_id: int) -> None:
    """Someone else's featured tag answers as a missing one."""
    result = await session.execute(delete(FeaturedTag).where(
        FeaturedTag.id == featured_tag_id, FeaturedTag.account_id == account_id)
        .execution_options(synchronize_session=False))
    if result.rowcount == 0:
        raise NotFound("Record not found")


async def suggest_featured_tags(session: AsyncSession, *, account_id: int, limit: int = 10) -> list[Tag]:
    """The account's most used tags it does not feature yet (Mastodon: the ten most used)."""
    featured = select(FeaturedTag.tag_id).where(FeaturedTag.account_id == account_id)
    uses = (select(StatusTag.tag_id, func.count().label("n"))
            .join(Status, Status.id == StatusTag.status_id)
            .where(Status.account_id == account_id, Status.deleted_at.is_(None), Status.reblog_of_id.is_(None),
                   StatusTag.tag_id.not_in(featured))
            .group_by(StatusTag.tag_id).subquery())
    rows = await session.scalars(select(Tag).join(uses, uses.c.tag_id == Tag.id)
                                 .order_by(uses.c.n.desc(), Tag.id).limit(limit))
    return list(rows)


def last_status_day(view: FeaturedTagView, time_zone: str) -> date | None:
    """Mastodon shows the day of the latest use, in the instance's zone."""
    from zoneinfo import ZoneInfo

    return view.last_status_at.astimezone(ZoneInfo(time_zone)).date() if view.last_status_at else None
