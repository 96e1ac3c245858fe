"""A status's thread (Mastodon's context): ancestors and descendants the viewer may see.

As on Mastodon, each post is judged on its own: a reply the viewer may not see (deleted,
followers-only, by a blocked or muted account, from a server the viewer blocked) is left out,
and the visible replies below it still show. Descendants come in thread order (depth first, siblings oldest first), with
self-replies (threads an author continues) brought to the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import muted_account_ids
from madang.accounts.policies import not_on_blocked_domain
from madang.models import Status
from madang.statuses.policies import not_blocked, visible_to

MAX_ANCESTORS = 40
MAX_DESCENDANTS = 200


@dataclass
class Context:
    ancestors: list[Status]
    descendants: list[Status]


async def get_context(session: AsyncSession, status: Status, viewer_id: int | None) -> Context:
    ancestors = await _ancestors(session, status)
    descendants = _thread_order(status.id, await _descendants(session, status))
    shown = await _shown(session, [s.id for s in ancestors + descendants], viewer_id)
    return Context(
        ancestors=[s for s in ancestors if s.id in shown],
        descendants=_self_replies_first([s for s in descendants if s.id in shown]),
    )


async def _ancestors(session: AsyncSession, status: Status) -> list[Status]:
    """Oldest first; walked through hidden and deleted posts, which are filtered later."""
    chain: list[Status] = []
    parent_id = status.in_reply_to_id
    while parent_id is not None and len(chain) < MAX_ANCESTORS:
        parent = await session.get(Status, parent_id)
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.in_reply_to_id
    chain.reverse()
    return chain


async def _descendants(session: AsyncSession, status: Status) -> list[Status]:
    """Breadth first, one query per level (threads are shallow)."""
    found: list[Status] = []
    seen = {status.id}
    frontier = [status.id]
    while frontier and len(found) < MAX_DESCENDANTS:
        children = [c for c in await session.scalars(
            select(Status).where(Status.in_reply_to_id.in_(frontier), Status.reblog_of_id.is_(None))
            .order_by(Status.id).limit(MAX_DESCENDANTS - len(found))
        ) if c.id not in seen]
        seen.update(c.id for c in children)
        found.extend(children)
        frontier = [c.id for c in children]
    return found


async def _shown(session: AsyncSession, ids: list[int], viewer_id: int | None) -> set[int]:
    if not ids:
        return set()
    stmt = select(Status.id).where(Status.id.in_(ids), visible_to(viewer_id), not_blocked(viewer_id))
    if viewer_id is not None:
        stmt = stmt.where(not_on_blocked_domain(viewer_id, Status.account_id))
        muted = await muted_account_ids(session, viewer_id)
        if muted:
            stmt = stmt.where(Status.account_id.not_in(muted))
    return set(await session.scalars(stmt))


def _thread_order(root_id: int, statuses: list[Status]) -> list[Status]:
    """Depth first from the root, siblings by id (oldest first)."""
    children: dict[int, list[Status]] = {}
    for s in sorted(statuses, key=lambda s: s.id):
        children.setdefault(s.in_reply_to_id or 0, []).append(s)
    ordered: list[Status] = []
    stack = list(reversed(children.get(root_id, [])))
    while stack:
        current = stack.pop()
        ordered.append(current)
        stack.extend(reversed(children.get(current.id, [])))
    return ordered


def _self_replies_first(statuses: list[Status]) -> list[Status]:
    """A stable partition, as Mastodon's: authors' self-replies, then everything else."""
    own = [s for s in statuses if s.in_reply_to_account_id == s.account_id]
    return own + [s for s in statuses if s.in_reply_to_account_id != s.account_id]
