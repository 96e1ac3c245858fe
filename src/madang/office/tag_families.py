"""Editing hashtag families (decision 0063): the office joins tags that mean one place or thing
(`#anyang`, `#안양`, `#안양시`) so that tag pages, timelines, feeds, trends and the monitor read
them as one (statuses.tag_families). Families belong to the instance; who may edit them is
decided here, once: an office admin (desk role office_admin) of any organisation on this server,
or an instance admin. Every join and removal is kept in ``tag_family_events``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.events import publish
from madang.models import Account, Tag, TagFamily, TagFamilyEvent, TagFamilyMember
from madang.moderation.permissions import is_admin_or_office_admin
from madang.statuses.tag_families import FAMILIES_CHANGED
from madang.text import is_valid_tag, normalize_tag

NOT_EDITOR = "해시태그 묶음은 민원 총괄(기관 관리자)이나 서버 관리자만 고칠 수 있습니다"
MAX_MEMBERS = 30
JOINED, REMOVED = "joined", "removed"


async def may_edit(session: AsyncSession, account: Account) -> bool:
    return await is_admin_or_office_admin(session, account)


async def require_editor(session: AsyncSession, account: Account) -> None:
    if not await may_edit(session, account):
        raise Forbidden(NOT_EDITOR, needs=("office_admin", "instance_admin"))


@dataclass
class Family:
    id: int
    lead: Tag
    tags: list[Tag]  # the lead first, then by key


@dataclass
class FamiliesPage:
    families: list[Family]
    history: list[TagFamilyEvent] = field(default_factory=list)


def parse_names(text: str) -> list[str]:
    """`#anyang #안양, 안양시` → the bare names, in order, each key once."""
    names: dict[str, str] = {}
    for word in (text or "").replace(",", " ").split():
        bare = word.strip().lstrip("#＃")
        if not bare:
            continue
        if len(bare) > 100 or not is_valid_tag(bare):
            raise Invalid(f"'{bare[:40]}'은(는) 해시태그로 쓸 수 없는 이름입니다", field="tags")
        names.setdefault(normalize_tag(bare), bare)
    return list(names.values())


async def _tag(session: AsyncSession, name: str) -> Tag:
    """The tag, created if nobody has used it yet (a family may be set up before the posts)."""
    key = normalize_tag(name)
    await session.execute(insert_ignore(session, Tag.__table__).values(id=new_id(), key=key, name=name,
                                                                       created_at=utcnow()))
    tag = await session.scalar(select(Tag).where(Tag.key == key))
    assert tag is not None
    return tag


def _event(family_id: int, action: str, tag: Tag, lead: Tag, actor: Account) -> TagFamilyEvent:
    return TagFamilyEvent(family_id=family_id, action=action, tag_name=tag.name, lead_name=lead.name,
                          actor_id=actor.id, actor_acct=actor.acct, created_at=utcnow())


async def join_tags(session: AsyncSession, *, actor: Account, names: list[str]) -> Family:
    """Put the named tags in one family: the family one of them is in already, else a new one
    led by the first name. A tag in another family is refused (remove it there first)."""
    await require_editor(session, actor)
    names = parse_names(" ".join(names))
    if len(names) < 1:
        raise Invalid("묶을 해시태그를 적어 주세요", field="tags")
    tags = [await _tag(session, name) for name in names]
    current = dict((await session.execute(select(TagFamilyMember.tag_id, TagFamilyMember.family_id)
                                           .where(TagFamilyMember.tag_id.in_([t.id for t in tags])))).all())
    families = set(current.values())
    if len(families) > 1:
        raise Conflict("서로 다른 묶음에 든 해시태그는 한 번에 묶을 수 없습니다. 한쪽 묶음에서 먼저 빼 주세요",
                       field="tags")
    if families:
        family = await session.get(TagFamily, families.pop())
        assert family is not None
    else:
        if len(tags) < 2:
            raise Invalid("새 묶음에는 해시태그가 둘 이상 있어야 합니다", field="tags")
        family = TagFamily(lead_tag_id=tags[0].id, created_at=utcnow())
        session.add(family)
        await session.flush()
    size = await session.scalar(select(func.count()).select_from(TagFamilyMember)
                                .where(TagFamilyMember.family_id == family.id)) or 0
    joining = [t for t in tags if t.id not in current]
    if size + len(joining) > MAX_MEMBERS:
        raise Invalid(f"한 묶음에는 해시태그를 {MAX_MEMBERS}개까지 넣을 수 있습니다", field="tags")
    lead = await session.get(Tag, family.lead_tag_id)
    assert lead is not None
    for tag in joining:
        session.add(TagFamilyMember(tag_id=tag.id, family_id=family.id, added_at=utcnow()))
        session.add(_event(family.id, JOINED, tag, lead, actor))
    await session.flush()
    if joining:
        publish(session, {"type": FAMILIES_CHANGED})
    return await _family(session, family.id)


async def remove_tag(session: AsyncSession, *, actor: Account, name: str) -> None:
    """Take a tag out of its family; a family left with one tag ends (its history stays). When
    the lead leaves, the oldest remaining tag leads."""
    await require_editor(session, actor)
    bare = (name or "").strip().lstrip("#＃")
    tag = await session.scalar(select(Tag).where(Tag.key == normalize_tag(bare))) if bare else None
    family_id = await session.scalar(select(TagFamilyMember.family_id).where(TagFamilyMember.tag_id == tag.id)) \
        if tag is not None else None
    if tag is None or family_id is None:
        raise NotFound("묶음에 든 해시태그가 아닙니다", field="tag")
    family = await session.get(TagFamily, family_id)
    assert family is not None
    lead = await session.get(Tag, family.lead_tag_id)
    assert lead is not None
    await session.execute(delete(TagFamilyMember).where(TagFamilyMember.tag_id == tag.id))
    session.add(_event(family.id, REMOVED, tag, lead, actor))
    await session.flush()
    rest = list(await session.scalars(select(TagFamilyMember).where(TagFamilyMember.family_id == family.id)
                                      .order_by(TagFamilyMember.added_at, TagFamilyMember.tag_id)))
    if len(rest) < 2:
        for last in rest:
            last_tag = await session.get(Tag, last.tag_id)
            assert last_tag is not None
            session.add(_event(family.id, REMOVED, last_tag, lead, actor))
        await session.execute(delete(TagFamilyMember).where(TagFamilyMember.family_id == family.id))
        await session.execute(delete(TagFamily).where(TagFamily.id == family.id))
    elif family.lead_tag_id == tag.id:
        family.lead_tag_id = rest[0].tag_id
    await session.flush()
    publish(session, {"type": FAMILIES_CHANGED})


async def _family(session: AsyncSession, family_id: int) -> Family:
    family = await session.get(TagFamily, family_id)
    assert family is not None
    tags = list(await session.scalars(select(Tag).join(TagFamilyMember, TagFamilyMember.tag_id == Tag.id)
                                      .where(TagFamilyMember.family_id == family_id).order_by(Tag.key)))
    tags.sort(key=lambda t: t.id != family.lead_tag_id)
    return Family(family.id, tags[0], tags)


async def list_families(session: AsyncSession, *, actor: Account, history: int = 50) -> FamiliesPage:
    """Every family (by lead name) and the newest ``history`` changes, for the office's page."""
    await require_editor(session, actor)
    ids = list(await session.scalars(select(TagFamily.id)))
    families = [await _family(session, i) for i in ids]
    families.sort(key=lambda f: f.lead.key)
    events = list(await session.scalars(select(TagFamilyEvent).order_by(TagFamilyEvent.id.desc()).limit(history)))
    return FamiliesPage(families, events)
