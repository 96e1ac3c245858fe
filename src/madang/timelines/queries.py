"""Reading timelines: home (from the feed), public (local and all), and tag."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import hidden_account_ids_query
from madang.accounts.policies import not_on_blocked_domain
from madang.db.fast_select import FastSelect
from madang.db.replicas import replica_read
from madang.db.paging import Page, bounded_by_params, cursor_shape, fetch_prebuilt_page
from madang.core.clock import utcnow
from madang.lists import exclusive_member_ids_query
from madang.media import has_media
from madang.models import Account, Follow, HomeFeedEntry, ReadTimeAuthor, Status, StatusTag, Tag
from madang.statuses.policies import not_blocked, visible_to
from madang.statuses.tag_families import family_keys
from madang.text import normalize_tag


@lru_cache(maxsize=16)
def _home_statement(with_max: bool, with_since: bool, with_min: bool) -> FastSelect:
    """The home query for one combination of cursors, built once (the hottest read)."""
    hidden = hidden_account_ids_query(bindparam("viewer"), now=bindparam("now")).scalar_subquery()
    # Members of the viewer's exclusive lists are read on those lists, not at home (their
    # boosts too: Status.account_id is the booster on a boost row).
    exclusive = exclusive_member_ids_query(bindparam("viewer")).scalar_subquery()
    feed_id = HomeFeedEntry.status_id
    stmt = (select(*Status.__table__.c).join(HomeFeedEntry, HomeFeedEntry.status_id == Status.id)
            .where(HomeFeedEntry.account_id == bindparam("viewer"), Status.deleted_at.is_(None),
                   HomeFeedEntry.author_id.not_in(hidden), Status.account_id.not_in(hidden),
                   Status.account_id.not_in(exclusive),
                   # A server the viewer blocked: the post's author, and a boost's booster.
                   not_on_blocked_domain(bindparam("viewer"), HomeFeedEntry.author_id),
                   not_on_blocked_domain(bindparam("viewer"), Status.account_id)))
    if with_max:
        stmt = stmt.where(feed_id < bindparam("max_id"))
    if with_since:
        stmt = stmt.where(feed_id > bindparam("since_id"))
    if with_min:
        stmt = stmt.where(feed_id > bindparam("min_id")).order_by(feed_id.asc())
    else:
        stmt = stmt.order_by(feed_id.desc())
    return FastSelect(stmt.limit(bindparam("limit")), name="StatusRow")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def list_home_timeline(session: AsyncSession, *, viewer_id: int, page: Page) -> list[Status]:
    """The viewer's feed, newest first. Muted and blocked accounts, and accounts on servers
    the viewer blocked, are left out whether they wrote the post or boosted it; deleted posts
    never show. Posts of followed read-time authors (decision 0068) are merged in, by id."""
    stmt = _home_statement(page.max_id is not None, page.since_id is not None, page.min_id is not None)
    params = {"viewer": viewer_id, "now": utcnow(), "limit": page.limit, "max_id": page.max_id,
              "since_id": page.since_id, "min_id": page.min_id}
    params = {k: v for k, v in params.items() if v is not None}
    rows = await stmt.all(session, params)
    authors = await _FOLLOWED_READ_TIME_AUTHORS.all(session, {"viewer": viewer_id})
    if authors:
        rows = _merge(rows, await _read_time_rows(session, authors, page, params), page)
    return rows[::-1] if page.min_id is not None else rows


# The read-time authors the viewer follows, with where each one's merged posts start: at the
# first post not written to feeds, and after the follow (before it, fan-out would not have
# reached the viewer; ids are time-ordered in one space for every table). One index probe per
# read-time author, a handful at most; nothing at all on an instance without one.
_FOLLOWED_READ_TIME_AUTHORS = FastSelect(
    select(ReadTimeAuthor.account_id, ReadTimeAuthor.since_status_id, Follow.id.label("follow_id"))
    .join(Follow, and_(Follow.target_account_id == ReadTimeAuthor.account_id,
                       Follow.account_id == bindparam("viewer")))
    # A suspended author's posts leave followers' feeds (moderation.actions): here too.
    .join(Account, Account.id == ReadTimeAuthor.account_id).where(Account.suspended_at.is_(None)),
    name="ReadTimeAuthorRow")


def _read_time_branch(i: int, with_max: bool, with_since: bool, with_min: bool) -> Select:
    """The ``i``th followed read-time author's posts that fan-out on write would have put in
    the viewer's feed (``statuses.delivery.follower_recipients``), with the home query's own
    filters, newest (or, for min_id, oldest) first, walking ``ix_statuses_account_id_id``."""
    viewer = bindparam("viewer")
    hidden = hidden_account_ids_query(viewer, now=bindparam("now")).scalar_subquery()
    exclusive = exclusive_member_ids_query(viewer).scalar_subquery()
    also = Follow.__table__.alias(f"also{i}")
    stmt = select(*Status.__table__.c).where(
        Status.account_id == bindparam(f"author{i}"), Status.id >= bindparam(f"since{i}"),
        Status.id > bindparam(f"follow{i}"),
        Status.reblog_of_id.is_(None), Status.visibility != "direct", Status.deleted_at.is_(None),
        # A reply reaches those who follow both sides (or are the one replied to).
        or_(Status.in_reply_to_account_id.is_(None), Status.in_reply_to_account_id == Status.account_id,
            Status.in_reply_to_account_id == viewer,
            # (followed before the reply, as fan-out would have found it then)
            exists().where(also.c.account_id == viewer, also.c.target_account_id == Status.in_reply_to_account_id,
                           also.c.id < Status.id)),
        Status.account_id.not_in(hidden), Status.account_id.not_in(exclusive),
        not_on_blocked_domain(viewer, Status.account_id))
    if with_max:
        stmt = stmt.where(Status.id < bindparam("max_id"))
    if with_since:
        stmt = stmt.where(Status.id > bindparam("since_id"))
    if with_min:
        return stmt.where(Status.id > bindparam("min_id")).order_by(Status.id.asc()).limit(bindparam("limit"))
    return stmt.order_by(Status.id.desc()).limit(bindparam("limit"))


@lru_cache(maxsize=64)
def _read_time_statement(authors: int, with_max: bool, with_since: bool, with_min: bool) -> FastSelect:
    """Each followed read-time author's best page, in one statement (built once per shape)."""
    branches = [_read_time_branch(i, with_max, with_since, with_min).subquery(f"b{i}") for i in range(authors)]
    stmt = union_all(*[select(*b.c) for b in branches]) if authors > 1 else select(*branches[0].c)
    return FastSelect(stmt, name="StatusRow")


async def _read_time_rows(session: AsyncSession, authors: list, page: Page, params: dict) -> list:
    stmt = _read_time_statement(len(authors), page.max_id is not None, page.since_id is not None,
                                page.min_id is not None)
    bound = dict(params)
    for i, a in enumerate(authors):
        bound.update({f"author{i}": a.account_id, f"since{i}": a.since_status_id, f"follow{i}": a.follow_id})
    return await stmt.all(session, bound)


def _merge(feed: list, merged: list, page: Page) -> list:
    """The page from both sources: one copy of each status (a read-time author's post may be
    in the feed too: written before it was marked, by a follow's merge job, or for a followed
    hashtag), in the feed's order (ascending for min_id, as the feed rows come)."""
    by_id = {row.id: row for row in merged}
    by_id.update((row.id, row) for row in feed)
    ordered = sorted(by_id.values(), key=lambda row: row.id, reverse=page.min_id is None)
    return ordered[:page.limit]


def _without_replies() -> ColumnElement[bool]:
    # Mastodon's public timelines leave out replies to others (self-replies, threads, stay).
    return or_(Status.in_reply_to_id.is_(None), Status.in_reply_to_account_id == Status.account_id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moderated_out(viewer_id: int | None) -> ColumnElement[bool]:
    """Public timelines leave out suspended authors, and limited ones (Mastodon's "silence")
    unless the viewer is the author or follows them."""
    # "After the epoch" rather than IS NOT NULL: SQLite's planner walks the small index on
    # these columns for a range, but scans every account for IS NOT NULL (2.3 ms for 10,000).
    suspended = select(Account.id).where(Account.suspended_at > _EPOCH)
    limited = select(Account.id).where(Account.limited_at > _EPOCH)
    if viewer_id is not None:
        limited = limited.where(Account.id != viewer_id, Account.id.not_in(
            select(Follow.target_account_id).where(Follow.account_id == viewer_id)))
    return Status.account_id.not_in(suspended.union_all(limited))


@lru_cache(maxsize=128)
def _public_statement(local: bool, remote: bool, only_media: bool, signed_in: bool,
                      cursors: tuple[bool, bool, bool]) -> FastSelect:
    """A public timeline's query for one combination of options, built once: building it per
    request cost ~7 ms of CPU (SQLAlchemy adapting the policies' clauses), ten times the query."""
    viewer = bindparam("viewer") if signed_in else None
    stmt = select(*Status.__table__.c).where(
        Status.visibility == "public", Status.deleted_at.is_(None), Status.reblog_of_id.is_(None),
        _without_replies(), not_blocked(viewer), moderated_out(viewer))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    if remote:
        stmt = stmt.where(Status.local.is_(False))
    if only_media:
        stmt = stmt.where(has_media(Status.id))
    if viewer is not None:
        hidden = hidden_account_ids_query(viewer, now=bindparam("now")).scalar_subquery()
        stmt = stmt.where(Status.account_id.not_in(hidden), not_on_blocked_domain(viewer, Status.account_id))
    return FastSelect(bounded_by_params(stmt, Status.id, cursors), name="StatusRow")


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def list_public_timeline(
    session: AsyncSession, *, viewer_id: int | None, page: Page, local: bool = False, remote: bool = False,
    only_media: bool = False,
) -> list[Status]:
    stmt = _public_statement(local, remote, only_media, viewer_id is not None, cursor_shape(page))
    params = {"viewer": viewer_id, "now": utcnow()} if viewer_id is not None else {}
    return await fetch_prebuilt_page(stmt, session, page, params)


async def find_tag(session: AsyncSession, name: str) -> Tag | None:
    return await session.scalar(select(Tag).where(Tag.key == normalize_tag(name)))


def _keys(names: list[str]) -> list[str]:
    return [normalize_tag(n.lstrip("#＃")) for n in names if n.lstrip("#＃")]


def _tagged(keys: list[str]) -> Select:
    """Ids of statuses carrying any of ``keys`` (`#Anyang` is `#anyang`)."""
    return select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id).where(Tag.key.in_(keys))


# Tag ids by key, and a page's statuses by id: both asked on every tag page.
_TAG_IDS = FastSelect(select(Tag.id).where(Tag.key.in_(bindparam("keys", expanding=True))), name="TagIdRow",
                      lists=["keys"])
_STATUSES_BY_ID = FastSelect(select(*Status.__table__.c).where(Status.id.in_(bindparam("ids", expanding=True))),
                             name="StatusRow", lists=["ids"])


@lru_cache(maxsize=256)
def _tag_page_statement(signed_in: bool, local: bool, only_media: bool, all_count: int, with_none: bool,
                        cursors: tuple[bool, bool, bool]) -> FastSelect:
    """One tag's page of status ids for one combination of options, built once (building the
    visibility clauses per request cost ~7 ms of CPU)."""
    viewer = bindparam("viewer") if signed_in else None
    post = [Status.id == StatusTag.status_id, Status.visibility == "public", visible_to(viewer),
            not_blocked(viewer), Status.reblog_of_id.is_(None), moderated_out(viewer)]
    for i in range(all_count):
        post.append(Status.id.in_(select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
                                  .where(Tag.key.in_(bindparam(f"all{i}", expanding=True)))))
    if with_none:
        post.append(Status.id.not_in(select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
                                     .where(Tag.key.in_(bindparam("none", expanding=True)))))
    if local:
        post.append(Status.local.is_(True))
    if only_media:
        post.append(has_media(Status.id))
    if viewer is not None:
        post.append(Status.account_id.not_in(hidden_account_ids_query(viewer, now=bindparam("now")).scalar_subquery()))
        post.append(not_on_blocked_domain(viewer, Status.account_id))
    ids = select(StatusTag.status_id).where(StatusTag.tag_id == bindparam("tag_id"), exists().where(*post))
    lists = [f"all{i}" for i in range(all_count)] + (["none"] if with_none else [])
    return FastSelect(bounded_by_params(ids, StatusTag.status_id, cursors), name="TagPageRow", lists=lists)


@replica_read  # may read from a streaming replica (db.replicas, decision 0065)
async def list_tag_timeline(
    session: AsyncSession, *, tag_names: list[str], viewer_id: int | None, page: Page, local: bool = False,
    all_names: list[str] | None = None, none_names: list[str] | None = None, only_media: bool = False,
) -> list[Status]:
    """Public posts with any of ``tag_names``, each of ``all_names`` and none of ``none_names``.

    Each tag's page is read from its (tag, status) index in order, with the post's own
    conditions checked per row, and the pages are merged: a page of a tag on 300,000 posts
    costs a few index steps, where filtering every public post first and sorting cost ~0.9 s.

    A tag stands for its whole family (decision 0063): `#안양` reads `#anyang` too, and so do
    ``all_names`` (one of the family) and ``none_names`` (none of it)."""
    keys = await family_keys(session, _keys(tag_names))
    tag_ids = [row.id for row in await _TAG_IDS.all(session, {"keys": sorted(set(keys))})] if keys else []
    if not tag_ids:
        return []
    all_keys = _keys(all_names or [])
    none_keys = await family_keys(session, _keys(none_names or [])) if _keys(none_names or []) else []
    stmt = _tag_page_statement(viewer_id is not None, local, only_media, len(all_keys), bool(none_keys),
                               cursor_shape(page))
    params: dict = {f"all{i}": await family_keys(session, [key]) for i, key in enumerate(all_keys)}
    if none_keys:
        params["none"] = list(none_keys)
    if viewer_id is not None:
        params.update(viewer=viewer_id, now=utcnow())
    found: set[int] = set()
    for tag_id in tag_ids:
        found.update(row.status_id for row in await fetch_prebuilt_page(stmt, session, page, {**params, "tag_id": tag_id}))
    # The newest `limit` of the merged pages, or the oldest `limit` above min_id.
    chosen = sorted(found)[:page.limit] if page.min_id is not None else sorted(found, reverse=True)[:page.limit]
    if not chosen:
        return []
    rows = {s.id: s for s in await _STATUSES_BY_ID.all(session, {"ids": chosen})}
    return [rows[i] for i in sorted(chosen, reverse=True) if i in rows]
