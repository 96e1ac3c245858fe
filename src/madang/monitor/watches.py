"""What an office watches besides its own mentions and replies: hashtags and keywords."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.desk.organisations import HANDLE, require_role
from madang.events import publish
from madang.models import Account
from madang.models.monitor import WATCH_KINDS, MonitorWatch
from madang.statuses.tag_families import family_keys
from madang.text.tags import is_valid_tag, normalize_tag

MAX_WATCHES = 50
MAX_KEYWORD = 50
WATCHES_CHANGED = "monitor.watches"


def keyword_key(text: str) -> str:
    """Keywords match as substrings of the case-folded NFC text: Hangul has no word breaks to
    lean on (`안양천` in `안양천변에서`), so a substring is what a Korean reader means."""
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


@dataclass(frozen=True)
class Rules:
    """What one organisation's monitor shows."""

    organisation_id: int
    tags: frozenset[str]
    keywords: tuple[str, ...]


async def load_rules(session: AsyncSession, organisation_id: int) -> Rules:
    rows = (await session.execute(select(MonitorWatch.kind, MonitorWatch.value).where(
        MonitorWatch.organisation_id == organisation_id))).all()
    # A watched tag watches its whole family (decision 0063): `#안양` also catches `#anyang`.
    tags = await family_keys(session, sorted(v for k, v in rows if k == "hashtag"))
    return Rules(organisation_id, frozenset(tags),
                 tuple(sorted(v for k, v in rows if k == "keyword")))


async def list_watches(session: AsyncSession, *, organisation_id: int) -> list[MonitorWatch]:
    return list(await session.scalars(select(MonitorWatch).where(MonitorWatch.organisation_id == organisation_id)
                                      .order_by(MonitorWatch.kind, MonitorWatch.value)))


async def add_watch(
    session: AsyncSession, *, organisation: Account, staff: Account, kind: str, value: str,
) -> MonitorWatch:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    if kind not in WATCH_KINDS:
        raise Invalid("지켜볼 종류는 해시태그나 낱말이어야 합니다", field="kind")
    value = (value or "").strip()
    if kind == "hashtag":
        value = value.lstrip("#＃")
        if not value or not is_valid_tag(value) or len(value) > 100:
            raise Invalid("해시태그 이름이 올바르지 않습니다", field="value")
        key = normalize_tag(value)
    else:
        key = keyword_key(value)
        if not key:
            raise Invalid("낱말을 적어 주세요", field="value")
        if len(key) > MAX_KEYWORD:
            raise Invalid(f"낱말은 {MAX_KEYWORD}자까지 적을 수 있습니다", field="value")
    existing = await list_watches(session, organisation_id=organisation.id)
    if any(w.kind == kind and w.value == key for w in existing):
        raise Conflict("이미 지켜보고 있습니다", field="value")
    if len(existing) >= MAX_WATCHES:
        raise Invalid(f"{MAX_WATCHES}개까지 지켜볼 수 있습니다", field="value")
    watch = MonitorWatch(organisation_id=organisation.id, kind=kind, value=key, created_by_id=staff.id,
                         created_at=utcnow())
    session.add(watch)
    await session.flush()
    publish(session, {"type": WATCHES_CHANGED, "organisation_id": organisation.id})
    return watch


async def remove_watch(session: AsyncSession, *, organisation: Account, staff: Account, watch_id: int) -> None:
    await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    gone = await session.execute(delete(MonitorWatch).where(
        MonitorWatch.id == watch_id, MonitorWatch.organisation_id == organisation.id))
    if not gone.rowcount:
        raise NotFound("지켜보는 항목을 찾을 수 없습니다", field="watch")
    publish(session, {"type": WATCHES_CHANGED, "organisation_id": organisation.id})
