"""The viewer's filters in the shape matching needs, loaded once and cached (see cache)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.fast_select import FastSelect
from madang.filters import cache
from madang.models import Filter, FilterKeyword, FilterStatus


@dataclass(frozen=True)
class ActiveFilter:
    id: int
    title: str
    contexts: tuple[str, ...]
    action: str
    expires_at: datetime | None
    keywords: tuple[tuple[str, bool], ...]  # (keyword, whole_word)
    status_ids: frozenset[int]

    def applies(self, context: str, now: datetime) -> bool:
        return context in self.contexts and (self.expires_at is None or self.expires_at > now)


# Most viewers have no filter: one prebuilt probe (db.fast_select) answers that on every page
# whose viewer's cache entry has lapsed, without building the three queries below.
_ANY = FastSelect(select(Filter.id).where(Filter.account_id == bindparam("viewer_id", type_=BigInteger)).limit(1),
                  name="AnyFilterRow")


async def _load(session: AsyncSession, viewer_id: int) -> tuple[ActiveFilter, ...]:
    if await _ANY.first(session, {"viewer_id": viewer_id}) is None:
        return ()
    return (await _load_many(session, [viewer_id]))[viewer_id]


async def _load_many(session: AsyncSession, viewer_ids: list[int]) -> dict[int, tuple[ActiveFilter, ...]]:
    """Every listed viewer's filters (an empty tuple for none) in at most three queries."""
    out: dict[int, list[ActiveFilter]] = {v: [] for v in viewer_ids}
    rows = list(await session.scalars(select(Filter).where(Filter.account_id.in_(viewer_ids)).order_by(Filter.id)))
    if not rows:
        return {v: () for v in viewer_ids}
    ids = [r.id for r in rows]
    keywords: dict[int, list[tuple[str, bool]]] = {i: [] for i in ids}
    for fid, word, whole in await session.execute(
            select(FilterKeyword.filter_id, FilterKeyword.keyword, FilterKeyword.whole_word)
            .where(FilterKeyword.filter_id.in_(ids)).order_by(FilterKeyword.id)):
        keywords[fid].append((word, whole))
    statuses: dict[int, set[int]] = {i: set() for i in ids}
    for fid, sid in await session.execute(
            select(FilterStatus.filter_id, FilterStatus.status_id).where(FilterStatus.filter_id.in_(ids))):
        statuses[fid].add(sid)
    for r in rows:
        out[r.account_id].append(ActiveFilter(
            id=r.id, title=r.title, contexts=tuple(r.contexts), action=r.action, expires_at=r.expires_at,
            keywords=tuple(keywords[r.id]), status_ids=frozenset(statuses[r.id])))
    return {v: tuple(fs) for v, fs in out.items()}


async def all_filters_for(session: AsyncSession, viewer_id: int) -> tuple[ActiveFilter, ...]:
    """All the viewer's filters, expired ones too, from the cache when it has them."""
    found = cache.cached(viewer_id)
    if found is not None:
        return found  # type: ignore[no-any-return]
    read_generation = cache.generation(viewer_id)
    loaded = await _load(session, viewer_id)
    cache.store(viewer_id, loaded, read_generation)
    return loaded


async def filters_for(session: AsyncSession, viewer_id: int | None, context: str) -> list[ActiveFilter]:
    """The filters that apply to ``context`` now. Nobody signed in has none."""
    if viewer_id is None:
        return []
    every = await all_filters_for(session, viewer_id)
    if not every:
        return []
    now = utcnow()
    return [f for f in every if f.applies(context, now)]


async def filters_for_many(session: AsyncSession, viewer_ids: Iterable[int]) -> dict[int, list[ActiveFilter]]:
    """All of several viewers' filters that are in force now (any context), from the cache
    where it has them and the rest in one batch: for a live event reaching many readers."""
    wanted = list(dict.fromkeys(viewer_ids))
    found: dict[int, tuple[ActiveFilter, ...]] = {}
    missing: list[int] = []
    for v in wanted:
        hit = cache.cached(v)
        if hit is None:
            missing.append(v)
        else:
            found[v] = hit
    if missing:
        generations = {v: cache.generation(v) for v in missing}
        for start in range(0, len(missing), 500):  # bounded IN lists
            loaded = await _load_many(session, missing[start:start + 500])
            for v, fs in loaded.items():
                cache.store(v, fs, generations[v])
                found[v] = fs
    now = utcnow()
    return {v: [f for f in fs if f.expires_at is None or f.expires_at > now] for v, fs in found.items() if fs}
