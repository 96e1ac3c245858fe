"""Finding statuses by their words, as a Korean reader means them (decision 0008).

The query is parsed first (`search.query_syntax`: Mastodon's operators, negation and
quoted phrases; `search.operators` turns them into clauses). The query's terms
(`text.search_terms.query_terms`) must all be in a post. The rarest term drives: its postings are walked newest first along the (term, status_id) key, and
each candidate is checked for the other terms and for who may see it, until a page is
full. So a page costs about (page size × how common the rarest term is relative to the
match), whatever the size of the city. A query of operators alone (`from:x`, `has:poll`)
walks that author's posts, or every post, newest first. Phrases and `has:link` are
checked on the stored text of the candidates the index found, a batch at a time.

By meaning (decision 0061): the query is also cut into lemmas (`text.lemmas`: 열렸습니다 →
=열리다), and the posts holding all of them are walked the same way, in the same table. The
page ranks the exact phrase first, then lemma matches, then bigram matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import hidden_account_ids_query, not_on_blocked_domain
from madang.core.clock import utcnow
from madang.models import Account, Follow, MediaAttachment, Mention, Poll, Status, StatusSearchTerm
from madang.search.operators import Filters, clause, resolve
from madang.search.phrases import contains_phrase
from madang.search.query_syntax import parse_query
from madang.statuses.policies import visible_to
from madang.text.lemmas import query_lemma_groups
from madang.text.search_terms import query_terms

# Core tables, not ORM aliases: adapting ORM aliases cost more than running the query.
_TERMS = StatusSearchTerm.__table__
_ACCOUNTS = Account.__table__
# How far a term's postings are counted when choosing the rarest: enough to tell a rare
# term from a common one without reading a common one whole.
COUNT_CAP = 5000
# How many candidates a search with text checks (phrases, has:link) reads at most: the
# index narrows them, so more than this means the checks keep failing on a common word.
MAX_CHECKED = 2000
Group = tuple[str, ...]


@dataclass(frozen=True)
class StatusSearch:
    query: str
    limit: int = 20
    offset: int = 0
    account_id: int | None = None  # only this author's posts
    max_id: int | None = None
    min_id: int | None = None
    local_domain: str | None = None  # from:user@this-domain is a local account
    time_zone: str = "Asia/Seoul"  # the days of before:, after:, during:


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
    # A limited account (moderation's "silence") is found by its followers only.
    limited_author = _ACCOUNTS.alias()
    limited = exists().where(limited_author.c.id == Status.account_id, limited_author.c.limited_at.is_not(None))
    # Boosts have no terms, so there is no reblog_of_id test: on SQLite it would tempt
    # the planner into walking ix_statuses_reblog_of_id, every post of the city.
    return and_(
        visible_to(viewer_id),
        Status.account_id.not_in(hidden_account_ids_query(viewer_id, now=now)),
        not_on_blocked_domain(viewer_id, Status.account_id),
        or_(Status.account_id == viewer_id,
            and_(indexable, or_(and_(Status.visibility == "public", ~limited), follows_author, mentioned))),
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

    # "term": walk one term's postings; "terms": gather several; "author": walk statuses (one
    # author's, or all); "polls"/"media": walk the posts with a poll / photos (has: alone)
    drive: str
    rest: int  # how many other groups must be present
    by_account: bool
    max_id: bool
    min_id: bool
    filters: tuple[str, ...] = ()  # operator clauses (search.operators.clause keys)


@lru_cache(maxsize=256)
def _search_statement(shape: _Shape) -> Select:
    stmt = select(Status).where(searchable_by(bindparam("viewer"), now=bindparam("now")))
    key: Any = Status.id
    if shape.drive == "term":
        t0 = _TERMS.alias()
        stmt = stmt.join(t0, and_(t0.c.status_id == Status.id, t0.c.term == bindparam("driver")))
        key = t0.c.status_id
    elif shape.drive == "polls":
        stmt = stmt.join(Poll, Poll.status_id == Status.id)
        key = Poll.status_id
    elif shape.drive == "media":
        # The first attachment stands for its post: one row each, along (status_id, …).
        first = MediaAttachment.__table__.alias()
        stmt = stmt.join(first, and_(first.c.status_id == Status.id, first.c.position == 0))
        key = first.c.status_id
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
    for name in shape.filters:
        stmt = stmt.where(clause(name, key))
    if shape.max_id:
        stmt = stmt.where(key < bindparam("max_id"))
    if shape.min_id:
        stmt = stmt.where(key > bindparam("min_id"))
    return stmt.order_by(key.desc()).limit(bindparam("limit")).offset(bindparam("offset"))


async def search_statuses(session: AsyncSession, *, viewer_id: int, search: StatusSearch) -> list[Status]:
    """Exact phrase first, then posts that hold the query's lemmas, then those that hold its
    bigrams (decision 0061), newest first within each. Anonymous callers get no statuses
    (Mastodon's rule), so a viewer is required. Raises ``Invalid`` for an operator with a
    value it cannot take (``before:tomorrow``)."""
    parsed = parse_query(search.query)
    if search.limit < 1:
        return []
    filters = await resolve(session, parsed, viewer_id=viewer_id, account_id=search.account_id,
                            local_domain=search.local_domain, time_zone=search.time_zone)
    if filters is None:
        return []  # an author nobody is, or conditions that cannot hold together
    groups = query_terms(parsed.text)
    offset = max(0, search.offset)
    lemma_groups = query_lemma_groups(parsed.text) if groups else []
    if not lemma_groups:
        return await _find(session, groups, filters, viewer_id=viewer_id, search=search,
                           limit=search.limit, offset=offset)
    # Both walks read the newest offset+limit of their kind; the page is cut from their union,
    # ranked. (A phrase match older than both windows can rank below a newer lemma match.)
    wanted = offset + search.limit
    by_lemma = await _find(session, lemma_groups, filters, viewer_id=viewer_id, search=search,
                           limit=wanted, offset=0)
    by_bigram = await _find(session, groups, filters, viewer_id=viewer_id, search=search,
                            limit=wanted + len(by_lemma), offset=0)
    lemma_ids = {status.id for status in by_lemma}
    merged = {status.id: status for status in [*by_lemma, *by_bigram]}.values()

    def rank(status: Status) -> tuple[int, int]:
        if contains_phrase(parsed.text, status.text, status.spoiler_text):
            tier = 0
        else:
            tier = 1 if status.id in lemma_ids else 2
        return tier, -status.id

    return sorted(merged, key=rank)[offset:wanted]


async def _find(session: AsyncSession, groups: list[Group], filters: Filters, *, viewer_id: int,
                search: StatusSearch, limit: int, offset: int) -> list[Status]:
    """The posts holding every group (of bigrams, or of lemma terms), newest first."""
    positive = [k for k in filters.keys if not k.startswith(("-", "not_"))]
    if not groups and filters.author_id is None and not positive:
        return []  # nothing to look for (exclusions alone do not make a search)
    params: dict[str, Any] = {"viewer": viewer_id, "now": utcnow(), "account_id": filters.author_id,
                              "max_id": search.max_id, "min_id": search.min_id, **filters.params}
    by_account = filters.author_id is not None
    if groups:
        ranked = await _rarest_first(session, groups, always=by_account)
        driver_count, driver = ranked[0]
        if driver_count == 0:
            return []  # a term nobody wrote: nothing can match
    has = {k.partition("#")[0] for k in positive}
    if not groups and not by_account and has & {"has:poll", "has:media"}:
        # Operators alone: walk the few posts with a poll or photos, not every post of the city.
        drive, rest = ("polls" if "has:poll" in has else "media"), []
    elif not groups or (by_account and await _author_is_smaller(session, filters.author_id, driver_count)):
        drive, rest = "author", [g for _, g in ranked] if groups else []
    else:
        drive, rest = ("term" if len(driver) == 1 else "terms"), [g for _, g in ranked[1:]]
        params["driver"] = driver[0] if len(driver) == 1 else list(driver)
    params.update({f"r{i}": list(g) for i, g in enumerate(rest)})

    def run(limit: int, offset: int, max_id: int | None) -> Any:
        shape = _Shape(drive=drive, rest=len(rest), by_account=by_account, max_id=max_id is not None,
                       min_id=search.min_id is not None, filters=tuple(filters.keys))
        used = {k: v for k, v in {**params, "limit": limit, "offset": offset, "max_id": max_id}.items()
                if v is not None}
        return session.scalars(_search_statement(shape), used)

    if not filters.needs_text_check:
        return list(await run(limit, offset, search.max_id))
    return await _checked_page(run, filters, limit=limit, offset=offset, max_id=search.max_id)


async def _checked_page(run: Any, filters: Filters, *, limit: int, offset: int, max_id: int | None) -> list[Status]:
    """A page of candidates that pass the text checks: the index's candidates are read
    newest first, a batch at a time, until the page is full (or MAX_CHECKED were read)."""
    wanted, found, checked = offset + limit, [], 0
    while len(found) < wanted and checked < MAX_CHECKED:
        batch = min(max(100, 4 * wanted), MAX_CHECKED - checked)
        rows = list(await run(batch, 0, max_id))
        found.extend(status for status in rows if filters.accepts(status))
        checked += len(rows)
        if len(rows) < batch:
            break
        max_id = rows[-1].id
    return found[offset:wanted]


async def _author_is_smaller(session: AsyncSession, account_id: int, driver_count: int) -> bool:
    """With `account_id`, walking that author's posts beats walking a common term's."""
    posts = await session.scalar(select(Account.statuses_count).where(Account.id == account_id))
    return posts is not None and posts < driver_count
