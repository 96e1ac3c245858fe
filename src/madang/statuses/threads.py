"""A status's thread (Mastodon's context): ancestors and descendants the viewer may see.

As on Mastodon, each post is judged on its own: a reply the viewer may not see (deleted,
followers-only, by a blocked or muted account, from a server the viewer blocked) is left out,
and the visible replies below it still show. Descendants come in thread order (depth first, siblings oldest first), with
self-replies (threads an author continues) brought to the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import active_mute, not_on_blocked_domain
from madang.core.clock import utcnow
from madang.db.fast_select import FastSelect
from madang.models import Mute, Status
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


# A thread is read as often as a timeline: its statements are built once (building the
# visibility clauses per request cost ~10 ms of CPU for a 20-reply thread).
_BY_ID = FastSelect(select(*Status.__table__.c).where(Status.id == bindparam("id")), name="StatusRow")
_CHILDREN = FastSelect(
    select(*Status.__table__.c).where(Status.in_reply_to_id.in_(bindparam("frontier", expanding=True)),
                                      Status.reblog_of_id.is_(None))
    .order_by(Status.id).limit(bindparam("limit")), name="StatusRow", lists=["frontier"])


@lru_cache(maxsize=2)
def _shown_statement(signed_in: bool) -> FastSelect:
    viewer = bindparam("viewer") if signed_in else None
    stmt = select(Status.id).where(Status.id.in_(bindparam("ids", expanding=True)), visible_to(viewer),
                                   not_blocked(viewer))
    if viewer is not None:
        muted = select(Mute.target_account_id).where(Mute.account_id == viewer, active_mute(bindparam("now")))
        stmt = stmt.where(not_on_blocked_domain(viewer, Status.account_id), Status.account_id.not_in(muted))
    return FastSelect(stmt, name="ShownRow", lists=["ids"])


async def _ancestors(session: AsyncSession, status: Status) -> list[Status]:
    """Oldest first; walked through hidden and deleted posts, which are filtered later."""
    chain: list[Status] = []
    parent_id = status.in_reply_to_id
    while parent_id is not None and len(chain) < MAX_ANCESTORS:
        parent = await _BY_ID.first(session, {"id": parent_id})
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
        rows = await _CHILDREN.all(session, {"frontier": frontier, "limit": MAX_DESCENDANTS - len(found)})
        children = [c for c in rows if c.id not in seen]
        seen.update(c.id for c in children)
        found.extend(children)
        frontier = [c.id for c in children]
    return found


async def _shown(session: AsyncSession, ids: list[int], viewer_id: int | None) -> set[int]:
    if not ids:
        return set()
    params = {"ids": ids} if viewer_id is None else {"ids": ids, "viewer": viewer_id, "now": utcnow()}
    return {row.id for row in await _shown_statement(viewer_id is not None).all(session, params)}


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
