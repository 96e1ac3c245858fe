"""Who gets a status in their home feed, as set-based ``INSERT … SELECT`` statements.

Used by the fan-out job (``timelines.fan_out``) and, for authors with few followers, by
``create_status`` itself in the post's own transaction: then a post needs no job, no claim
and no second transaction, and it is in every follower's feed the moment it commits.
Mutes are not applied here but when a home timeline is read (``timelines.queries``). Blocks
end follows, so followers are never blocked; the check stays as a guard against a race.

A public post also reaches those who follow one of its hashtags (Mastodon's followed tags):
they follow no one, so blocks and mutes are checked here, and only tagged posts pay for it.
"""

from __future__ import annotations

import asyncio

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, and_, bindparam, case, exists, false, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from madang.accounts.policies import active_mute
from madang.core.clock import utcnow
from madang.db.dialect import insert_ignore
from madang.db.fast_select import FastSelect
from madang.db.fast_write import FastStatement
from madang.jobs import enqueue
from madang.models import Block, Follow, HomeFeedEntry, Mention, Mute, ReadTimeAuthor, Status, StatusTag, TagFollow

ENTRY_COLUMNS = ["account_id", "status_id", "author_id"]

# Followers per INSERT … SELECT: a city account's 100,000 followers go in slices, with the
# event loop free between them (SQLite runs inline, so one huge statement would stall reads).
CHUNK = 5_000

# Up to this many followers, a post is delivered inside its own transaction (one short
# statement); above it, by the fan-out job in slices.
INLINE_FOLLOWERS = 1_000


def _not_blocking(account_col, author_id: int) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    return ~exists().where(
        or_(and_(Block.account_id == account_col, Block.target_account_id == author_id),
            and_(Block.account_id == author_id, Block.target_account_id == account_col))
    )


def _already_has(account_col, original: Status) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """The original, or another boost of it, is in the feed: one copy of a post is enough.
    A post merged into the follower's home timeline when read (decision 0068) counts as in
    the feed: it is exactly where fan-out on write would have put it."""
    boost = aliased(Status)
    return or_(
        exists().where(HomeFeedEntry.account_id == account_col, HomeFeedEntry.status_id == original.id),
        exists().where(HomeFeedEntry.account_id == account_col, HomeFeedEntry.status_id == boost.id,
                       boost.reblog_of_id == original.id),
        _merged_when_read(account_col, original),
    )


def _merged_when_read(account_col, post: Status) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """Whether the home timeline of ``account_col`` shows ``post`` from its author's own posts
    (timelines.queries): the rules of ``follower_recipients``, for a follow older than the post."""
    if post.reblog_of_id is not None or post.visibility == "direct":
        return false()
    # Aliases: ``account_col`` comes from a query on follows, which a bare Follow would correlate to.
    follows = aliased(Follow)
    conditions = [
        exists().where(ReadTimeAuthor.account_id == post.account_id, ReadTimeAuthor.since_status_id <= post.id),
        exists().where(follows.account_id == account_col, follows.target_account_id == post.account_id,
                       follows.id < post.id),
    ]
    if post.in_reply_to_account_id not in (None, post.account_id):
        also = aliased(Follow)
        conditions.append(or_(account_col == post.in_reply_to_account_id, exists().where(
            also.account_id == account_col, also.target_account_id == post.in_reply_to_account_id,
            also.id < post.id)))
    return and_(*conditions)


def boost_recipients(boost: Status, original: Status) -> Select:
    follower = Follow.account_id
    return select(follower, literal(boost.id), literal(original.account_id)).where(
        Follow.target_account_id == boost.account_id,
        Follow.show_reblogs.is_(True),
        Follow.remote.is_(False),  # remote followers have feeds on their own servers
        follower != original.account_id,
        _not_blocking(follower, original.account_id),
        ~_already_has(follower, original),
    )


async def mark_read_time_author(session: AsyncSession, account_id: int, status_id: int) -> None:
    """From ``status_id`` on, the author's posts are read from its own posts, not written to
    feeds (decision 0068). Marked once, never unmarked; two first posts at once keep the lower
    id, so neither is left out of both."""
    table = ReadTimeAuthor.__table__
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    insert = insert.values(account_id=account_id, since_status_id=status_id)
    lower = case((insert.excluded.since_status_id < table.c.since_status_id, insert.excluded.since_status_id),
                 else_=table.c.since_status_id)
    await session.execute(insert.on_conflict_do_update(index_elements=[table.c.account_id],
                                                       set_={"since_status_id": lower}))


async def read_time_since(session: AsyncSession, account_id: int) -> int | None:
    """The first post of a read-time author not written to feeds; None for other authors."""
    return await session.scalar(select(ReadTimeAuthor.since_status_id).where(ReadTimeAuthor.account_id == account_id))


def direct_recipients(status: Status) -> Select:
    return select(Mention.account_id, literal(status.id), literal(status.account_id)).where(
        Mention.status_id == status.id, Mention.account_id != status.account_id,
        _not_blocking(Mention.account_id, status.account_id),
    )


def follower_recipients(status: Status) -> Select:
    follower = Follow.account_id
    conditions = [Follow.target_account_id == status.account_id, Follow.remote.is_(False),
                  _not_blocking(follower, status.account_id)]
    if status.in_reply_to_account_id not in (None, status.account_id):
        # A reply reaches only those who follow both sides of the conversation (or the
        # one replied to, if they follow the replier), as on Mastodon.
        also = aliased(Follow)
        conditions.append(or_(
            follower == status.in_reply_to_account_id,
            exists().where(also.account_id == follower, also.target_account_id == status.in_reply_to_account_id),
        ))
    return select(follower, literal(status.id), literal(status.account_id)).where(*conditions)


def _to_tag_followers(dialect: str) -> Any:
    """Those following any of the post's hashtags (its statuses_tags rows, written before
    delivery): not the author, nobody blocked either way or muting the author. Whoever has
    the post already (following the author too) is skipped by the conflict on the feed's
    key; as Mastodon, a boost of it in the feed does not keep the post out."""
    status_id, author = bindparam("status_id", type_=BigInteger), bindparam("author_id", type_=BigInteger)
    follower = TagFollow.account_id
    muting = exists().where(Mute.account_id == follower, Mute.target_account_id == author,
                            active_mute(bindparam("now", type_=Mute.expires_at.type)))
    query = select(follower, status_id, author).where(
        TagFollow.tag_id.in_(select(StatusTag.tag_id).where(StatusTag.status_id == status_id)),
        follower != author, _not_blocking(follower, author), ~muting,
    ).distinct()
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(HomeFeedEntry.__table__).from_select(ENTRY_COLUMNS, query).on_conflict_do_nothing()


# Every tagged public post runs this: built and compiled once.
_TO_TAG_FOLLOWERS = FastStatement(_to_tag_followers)


# Whether a post's hashtags have more followers than one statement in the post's own
# transaction should write: an index-only probe, for tagged public posts only.
_LARGE_TAG_AUDIENCE = FastSelect(
    select(TagFollow.id).where(TagFollow.tag_id.in_(
        select(StatusTag.tag_id).where(StatusTag.status_id == bindparam("status_id"))))
    .offset(bindparam("inline_max", type_=BigInteger)).limit(1), name="LargeTagAudienceRow")

TAG_FAN_OUT_JOB = "timelines.fan_out_tags"


async def deliver_to_tag_followers(session: AsyncSession, status: Status, tag_ids: list[int] | None = None,
                                   *, inline: bool = False) -> int:
    """A public post to those following one of its hashtags. ``tag_ids``: the post's tags
    when the caller knows them, so an untagged post costs no statement at all. ``inline``
    (in the post's transaction): a large audience is left to a job, as for followers."""
    if status.visibility != "public" or status.reblog_of_id is not None or tag_ids == []:
        return 0
    params = {"status_id": status.id}
    if inline and await _LARGE_TAG_AUDIENCE.first(session, {**params, "inline_max": INLINE_FOLLOWERS}) is not None:
        await enqueue(session, TAG_FAN_OUT_JOB, params)
        return 0
    return await _TO_TAG_FOLLOWERS.run(session, {**params, "author_id": status.account_id, "now": utcnow()})


def _to_followers(dialect: str) -> Any:
    """Every follower of the author (a post that is not a reply to someone else)."""
    author, follower = bindparam("author_id", type_=BigInteger), Follow.account_id
    query = select(follower, bindparam("status_id", type_=BigInteger), author).where(
        Follow.target_account_id == author, Follow.remote.is_(False), _not_blocking(follower, author))
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(HomeFeedEntry.__table__).from_select(ENTRY_COLUMNS, query).on_conflict_do_nothing()


# Every post by a small account runs this: built and compiled once.
_TO_FOLLOWERS = FastStatement(_to_followers)


async def insert_in_slices(session: AsyncSession, query: Select, followee_id: int) -> int:
    table = HomeFeedEntry.__table__
    written, last = 0, 0
    while True:
        bound = await session.scalar(
            select(Follow.id).where(Follow.target_account_id == followee_id, Follow.id > last)
            .order_by(Follow.id).offset(CHUNK - 1).limit(1))
        sliced = query.where(Follow.id > last) if bound is None else query.where(Follow.id > last, Follow.id <= bound)
        result = await session.execute(insert_ignore(session, table).from_select(ENTRY_COLUMNS, sliced))
        written += result.rowcount or 0
        if bound is None:
            return written
        last = bound
        await asyncio.sleep(0)


async def deliver_post(session: AsyncSession, status: Status, *, sliced: bool = True,
                       tag_ids: list[int] | None = None) -> int:
    """A post (not a boost) into its audience's feeds. Idempotent (ON CONFLICT DO NOTHING).
    ``sliced=False`` for audiences known to be small: one statement, no slice bounds.
    ``tag_ids``: the post's hashtags when the caller knows them (see deliver_to_tag_followers)."""
    written = await _deliver_to_followers(session, status, sliced=sliced)
    return written + await deliver_to_tag_followers(session, status, tag_ids, inline=not sliced)


async def _deliver_to_followers(session: AsyncSession, status: Status, *, sliced: bool) -> int:
    table = HomeFeedEntry.__table__
    if status.visibility == "direct":
        result = await session.execute(insert_ignore(session, table)
                                       .from_select(ENTRY_COLUMNS, direct_recipients(status)))
        return result.rowcount or 0
    if sliced:
        # The job, for authors with many followers: a read-time author's followers read the
        # post from its own posts (decision 0068). Writing it out as well would be harmless
        # (reads drop the copy), so only the job path, not small authors' posts, asks.
        since = await read_time_since(session, status.account_id)
        if since is not None and since <= status.id:
            return 0
    if not sliced and status.in_reply_to_account_id in (None, status.account_id):
        return await _TO_FOLLOWERS.run(session, {"status_id": status.id, "author_id": status.account_id})
    if not sliced:
        result = await session.execute(insert_ignore(session, table)
                                       .from_select(ENTRY_COLUMNS, follower_recipients(status)))
        return result.rowcount or 0
    return await insert_in_slices(session, follower_recipients(status), status.account_id)
