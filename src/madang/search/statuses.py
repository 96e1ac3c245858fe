"""Finding statuses by their words, as a Korean reader means them (decision 0008).

The query's terms (`text.search_terms.query_terms`) must all be in a post. The rarest
term drives: its postings are walked newest first along the (term, status_id) key, and
each candidate is checked for the other terms and for who may see it, until a page is
full. So a page costs about (page size × how common the rarest term is relative to the
match), whatever the size of the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import hidden_account_ids_query
from madang.core.clock import utcnow
from madang.models import Account, Follow, Mention, Status, StatusSearchTerm
from madang.statuses.policies import visible_to
from madang.text.search_terms import query_terms

# Core tables, not ORM aliases: adapting ORM aliases cost more than running the query.
_TERMS = StatusSearchTerm.__table__
_ACCOUNTS = Account.__table__
# How far a term's postings are counted when choosing the rarest: enough to tell a rare
# term from a common one without reading a common one whole.
COUNT_CAP = 5000
Group = tuple[str, ...]


@dataclass(frozen=True)
class StatusSearch:
    query: str
    limit: int = 20
    offset: int = 0
    account_id: int | None = None  # only this author's posts
    max_id: int | None = None
    min_id: int | None = None


def searchable_by(viewer_id: Any, *, now: Any = None) -> ColumnElement[bool]:
    """What search may show the viewer: what they may see (`visible_to`), not from
    accounts they block, are blocked by or mute, and of others' posts only those of
    indexable authors that are public or reached the viewer anyway (an author they
    follow, a post that mentions them). Unlisted posts are left out of strangers'
    searches, as Mastodon keeps them out of discovery. ``viewer_id`` and ``now`` may be
    bind parameters."""
    follows_author = exists().where(Follow.account_id == viewer_id, Follow.target_account_id == Status.account_id)
    mentioned = exists().where(Mention.status_id == Status.id, Mention.account_id == viewer_id)
    author = _ACCOUNTS.alias()
    indexable = exists().where(author.c.id == Status.account_id, author.c.indexable.is_(True),
                               author.c.suspended_at.is_(None))
    # Boosts have no terms, so there is no reblog_of_id test: on SQLite it would tempt
    # the planner into walking ix_statuses_reblog_of_id, every post of the city.
    return and_(
        visible_to(viewer_id),
        Status.account_id.not_in(hidden_account_ids_query(viewer_id, now=now)),
        or_(Status.account_id == viewer_id,
            and_(indexable, or_(Status.visibility == "public", follows_author, mentioned))),
    )


@lru_cache(maxsize=64)
def _counts_statement(n_groups: int) -> Select:
    counts = []
    for i in range(n_groups):
        capped = (select(_TERMS.c.status_id).where(_TERMS.c.term.in_(bindparam(f"g{i}", expanding=True)))
                  .limit(COUNT_CAP).subquery())
        counts.append(select(func.count()).select_from(capped).scalar_subquery())
    return select(*counts)


async def _rarest_first(session: AsyncSession, groups: list[Group], *, always: bool) -> list[tuple[int, Group]]:
    """Each group with its (capped) number of postings, rarest first; one round trip.
    One group needs no counting unless ``always`` (to compare it with an author's posts)."""
    if len(groups) == 1 and not always:
        return [(1, groups[0])]  # nothing to choose; an unknown term simply finds nothing
    row = (await session.execute(_counts_statement(len(groups)),
                                 {f"g{i}": list(g) for i, g in enumerate(groups)})).one()
    # Among equals a one-term group drives: it can be walked in order, a group of several cannot.
    return sorted(zip(row, groups, strict=True), key=lambda pair: (pair[0], len(pair[1]) > 1))


@dataclass(frozen=True)
class _Shape:
    """What decides the statement's form; statements are built once per shape."""

    drive: str  # "term": walk one term's postings; "terms": gather several; "author": walk the author's posts
    rest: int  # how many other groups must be present
    by_account: bool
    max_id: bool
    min_id: bool


@lru_cache(maxsize=256)
def _search_statement(shape: _Shape) -> Select:
    stmt = select(Status).where(searchable_by(bindparam("viewer"), now=bindparam("now")))
    key: Any = Status.id
    if shape.drive == "term":
        t0 = _TERMS.alias()
        stmt = stmt.join(t0, and_(t0.c.status_id == Status.id, t0.c.term == bindparam("driver")))
        key = t0.c.status_id
    elif shape.drive == "terms":
        # A one-syllable word's forms cannot be walked in one order: their postings are
        # gathered and sorted (a lone syllable's forms are few).
        stmt = stmt.where(Status.id.in_(select(_TERMS.c.status_id)
                                        .where(_TERMS.c.term.in_(bindparam("driver", expanding=True)))))
    for i in range(shape.rest):
        # Tied to the driving posting, not to the status row: SQLite then checks the other
        # terms before it reads the status, so a candidate that lacks one costs one probe.
        t = _TERMS.alias()
        stmt = stmt.where(exists().where(t.c.status_id == key, t.c.term.in_(bindparam(f"r{i}", expanding=True))))
    if shape.by_account:
        stmt = stmt.where(Status.account_id == bindparam("account_id"))
    if shape.max_id:
        stmt = stmt.where(key < bindparam("max_id"))
    if shape.min_id:
        stmt = stmt.where(key > bindparam("min_id"))
    return stmt.order_by(key.desc()).limit(bindparam("limit")).offset(bindparam("offset"))


async def search_statuses(session: AsyncSession, *, viewer_id: int, search: StatusSearch) -> list[Status]:
    """Newest first. Anonymous callers get no statuses (Mastodon's rule), so a viewer is required."""
    groups = query_terms(search.query)
    if not groups or search.limit < 1:
        return []
    ranked = await _rarest_first(session, groups, always=search.account_id is not None)
    driver_count, driver = ranked[0]
    if driver_count == 0:
        return []  # a term nobody wrote: nothing can match
    params: dict[str, Any] = {"viewer": viewer_id, "now": utcnow(), "limit": search.limit,
                              "offset": max(0, search.offset), "account_id": search.account_id,
                              "max_id": search.max_id, "min_id": search.min_id}
    if search.account_id is not None and await _author_is_smaller(session, search.account_id, driver_count):
        drive, rest = "author", [g for _, g in ranked]
    else:
        drive, rest = ("term" if len(driver) == 1 else "terms"), [g for _, g in ranked[1:]]
        params["driver"] = driver[0] if len(driver) == 1 else list(driver)
    params.update({f"r{i}": list(g) for i, g in enumerate(rest)})
    shape = _Shape(drive=drive, rest=len(rest), by_account=search.account_id is not None,
                   max_id=search.max_id is not None, min_id=search.min_id is not None)
    used = {k: v for k, v in params.items() if v is not None}
    return list(await session.scalars(_search_statement(shape), used))


async def _author_is_smaller(session: AsyncSession, account_id: int, driver_count: int) -> bool:
    """With `account_id`, walking that author's posts beats walking a common term's."""
    posts = await session.scalar(select(Account.statuses_count).where(Account.id == account_id))
    return posts is not None and posts < driver_count
