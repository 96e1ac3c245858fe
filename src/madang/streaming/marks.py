"""Viewer marks (favourited, boosted, bookmarked, pinned) of one post for many viewers in
one query: an edited post, or a boost, is shown to each viewer with their own marks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Bookmark, Favourite, Status, StatusPin


@dataclass(frozen=True)
class Marks:
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    pinned: bool = False


NONE = Marks()


async def load_marks(session: AsyncSession, post_id: int, viewer_ids: Iterable[int]) -> dict[int, Marks]:
    """Only viewers with any mark appear; everyone else has ``NONE``."""
    viewers = sorted(set(viewer_ids))
    if not viewers:
        return {}
    found: dict[int, set[str]] = {}
    for start in range(0, len(viewers), 5_000):
        chunk = viewers[start:start + 5_000]
        stmt = union_all(*(
            select(literal(code).label("k"), model.account_id).where(
                model.status_id == post_id, model.account_id.in_(chunk))
            for code, model in (("favourited", Favourite), ("bookmarked", Bookmark), ("pinned", StatusPin))
        ), select(literal("reblogged"), Status.account_id).where(
            Status.reblog_of_id == post_id, Status.account_id.in_(chunk), Status.deleted_at.is_(None)))
        for code, viewer in await session.execute(stmt):
            found.setdefault(viewer, set()).add(code)
    return {viewer: Marks(**{code: True for code in codes}) for viewer, codes in found.items()}
