"""Reading hashtag families (decision 0063): the tags that stand together with some tags.

Tag timelines, tag pages, feeds, trends and the monitor ask here, so a family is one everywhere
it is read; the office edits families (office.tag_families). A tag in no family stands alone.
Each read is one indexed query on a small table; nothing is cached, so a change shows at once
in every process."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.db.fast_select import FastSelect
from madang.models import Tag, TagFamily, TagFamilyMember

FAMILIES_CHANGED = "tags.families"  # the bus event after a change (the monitor's rules reload)


def _related_keys() -> FastSelect:
    known, member, kin = aliased(Tag), aliased(TagFamilyMember), aliased(TagFamilyMember)
    families = (select(member.family_id).join(known, known.id == member.tag_id)
                .where(known.key.in_(bindparam("keys", expanding=True))).scalar_subquery())
    return FastSelect(select(Tag.key).join(kin, kin.tag_id == Tag.id).where(kin.family_id.in_(families)),
                      name="FamilyKeyRow", lists=["keys"])


# Every tag timeline asks: built once (building the aliased query cost more than running it).
_RELATED_KEYS = _related_keys()


async def family_keys(session: AsyncSession, keys: Iterable[str]) -> list[str]:
    """``keys`` and the keys of every tag in a family with one of them (order kept, no repeats)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    related = [row.key for row in await _RELATED_KEYS.all(session, {"keys": keys})]
    return list(dict.fromkeys([*keys, *sorted(related)]))


async def family_tags(session: AsyncSession, tag_id: int) -> list[Tag]:
    """The tags of ``tag_id``'s family, the lead first (empty when it is in none)."""
    family_id = await session.scalar(select(TagFamilyMember.family_id).where(TagFamilyMember.tag_id == tag_id))
    if family_id is None:
        return []
    rows = (await session.execute(
        select(Tag, TagFamily.lead_tag_id).join(TagFamilyMember, TagFamilyMember.tag_id == Tag.id)
        .join(TagFamily, TagFamily.id == TagFamilyMember.family_id)
        .where(TagFamilyMember.family_id == family_id).order_by(Tag.key))).all()
    return sorted((tag for tag, _ in rows), key=lambda t: t.id != rows[0][1])


def lead_tag_ids() -> Select:
    """(tag_id, lead_tag_id) of every tag in a family, as a statement (trends count by the lead)."""
    return select(TagFamilyMember.tag_id, TagFamily.lead_tag_id).join(
        TagFamily, TagFamily.id == TagFamilyMember.family_id)


async def leads_of(session: AsyncSession, tag_ids: Iterable[int]) -> dict[int, int]:
    """tag id → its family's lead tag id, for those of ``tag_ids`` in a family."""
    tag_ids = list(tag_ids)
    if not tag_ids:
        return {}
    rows = await session.execute(lead_tag_ids().where(TagFamilyMember.tag_id.in_(tag_ids)))
    return {tag_id: lead for tag_id, lead in rows}
