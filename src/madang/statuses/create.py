"""Posting a status (or a reply) in one transaction, with its follow-up jobs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from madang.media.custom_emojis import local_shortcodes_used
from madang.core.settings import Settings
from madang.accounts.remote_followers import has_remote_followers
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.core.ids import new_id
from madang.db.dialect import lock_for_transaction
from madang.db.fast_select import FastSelect
from madang.db.fast_write import FastInsert
from madang.events import CREATED, publish, status_event
from madang.jobs import enqueue
from madang.media import attach_media, check_media_ids
from madang.models import Account, Follow, IdempotencyKey, Mention, Status, StatusEdit, StatusTag
from madang.models.statuses import VISIBILITIES
from madang.models.timelines import HomeFeedEntry
from madang.statuses.composing import Composed, PreparedText, check_language, compose
from madang.statuses.counters import count_post
from madang.statuses.delivery import INLINE_FOLLOWERS, deliver_post, mark_read_time_author
from madang.statuses.polls import PollSpec, check_poll, create_poll
from madang.statuses.queries import get_visible_status
from madang.statuses.search_index import index_status


@dataclass(frozen=True)
class Site:
    """What a use case needs to know of the instance (from settings, passed down)."""

    base_url: str
    domain: str
    max_characters: int = 140
    default_language: str = "ko"
    # The zone whose calendar dates `last_status_at` (a date, not a time) is written in.
    time_zone: str = "Asia/Seoul"
    # Posts with a remote audience go out over ActivityPub (a job by name, decision 0035).
    federation: bool = True
    # Authors with more followers have their posts merged into home timelines when read (0: never).
    fanout_read_time_threshold: int = 0

    @classmethod
    def of(cls, settings: Settings) -> Site:
        return cls(base_url=settings.base_url, domain=settings.public_host, max_characters=settings.max_characters,
                   default_language=settings.default_language, time_zone=settings.time_zone,
                   federation=settings.federation,
                   fanout_read_time_threshold=settings.fanout_read_time_threshold)


def check_visibility(visibility: str | None, default: str) -> str:
    visibility = visibility or default
    if visibility not in VISIBILITIES:
        raise Invalid(f"Visibility must be one of {', '.join(VISIBILITIES)}", field="visibility")
    return visibility


def check_draft(
    site: Site, *, text: str, visibility: str | None, default_visibility: str, language: str | None,
    media_ids: list[int] | None, poll: PollSpec | None,
) -> tuple[str, str, list[int]]:
    """What refuses a post before anything is written, for posting now or scheduling:
    returns the visibility, language and media ids to use."""
    visibility = check_visibility(visibility, default_visibility)
    language = check_language(language, site.default_language)
    media_ids = check_media_ids(media_ids)
    if poll is not None:
        check_poll(poll, media_ids=media_ids)
    if not (text or "").strip() and not media_ids:  # a photo may speak for itself
        raise Invalid("Text can't be blank", field="status")
    return visibility, language, media_ids


async def find_by_idempotency_key(session: AsyncSession, account_id: int, key: str | None) -> Status | None:
    if not key:
        return None
    return await session.scalar(
        select(Status).join(IdempotencyKey, IdempotencyKey.status_id == Status.id)
        .where(IdempotencyKey.account_id == account_id, IdempotencyKey.key == key[:200])
    )


async def create_status(
    session: AsyncSession,
    *,
    site: Site,
    author: Account,
    text: str,
    spoiler_text: str = "",
    sensitive: bool = False,
    visibility: str | None = None,
    language: str | None = None,
    in_reply_to_id: int | None = None,
    application_id: int | None = None,
    idempotency_key: str | None = None,
    default_visibility: str = "public",
    media_ids: list[int] | None = None,
    poll: PollSpec | None = None,
    prepared: PreparedText | None = None,
) -> Status:
    """``prepared``: the text as `prepare_text` made it before the write unit (the API's
    hot path); without it the text is prepared here."""
    if idempotency_key:
        # The same key sent twice at once (a client retrying on a slow network): the second
        # waits for the first's commit and then finds its post, instead of a unique violation.
        await lock_for_transaction(session, f"idempotency:{author.id}:{idempotency_key[:200]}")
    existing = await find_by_idempotency_key(session, author.id, idempotency_key)
    if existing is not None:
        return existing
    # Read in the transaction: the caller's Account may come from a token cache a few seconds old.
    followers_count = await check_not_suspended(session, author.id)
    visibility, language, media_ids = check_draft(
        site, text=text, visibility=visibility, default_visibility=default_visibility, language=language,
        media_ids=media_ids, poll=poll)
    parent = await _parent(session, in_reply_to_id, author.id)
    composed = await compose(session, text=text, spoiler_text=spoiler_text, max_characters=site.max_characters,
                             base_url=site.base_url, local_domain=site.domain, prepared=prepared)
    row = _status_row(site, author, composed, parent, visibility=visibility, language=language,
                      sensitive=sensitive, application_id=application_id)
    # Local custom emoji it uses (decision 0043); a text without ":shortcode:" asks nothing.
    row["emoji_shortcodes"] = await local_shortcodes_used(session, composed.text, composed.spoiler_text,
                                                          *(poll.options if poll is not None else ()))
    status = await _insert_status(session, row)
    await _write_rows(session, status, composed)
    if media_ids:
        await attach_media(session, status=status, account_id=author.id, media_ids=media_ids)
    if poll is not None:
        await create_poll(session, status=status, spec=poll)
    await index_status(session, status, prepared.terms if prepared is not None else None)
    await count_post(session, status, delta=1, time_zone=site.time_zone)
    if idempotency_key:
        session.add(IdempotencyKey(account_id=author.id, key=idempotency_key[:200], status_id=status.id,
                                   created_at=status.created_at))
    # Live streams get the post as soon as it commits, without waiting for the fan-out job.
    publish(session, status_event(CREATED, status))
    if 0 < site.fanout_read_time_threshold < followers_count:
        # A city's audience: followers read the post from the author's own posts (decision 0068);
        # the job reaches only hashtag followers and those mentioned.
        await mark_read_time_author(session, author.id, status.id)
        await enqueue(session, "timelines.fan_out", {"status_id": status.id})
    elif followers_count <= INLINE_FOLLOWERS:
        # Few followers: in their feeds in this transaction (no job, no second commit).
        await deliver_post(session, status, sliced=False, tag_ids=[t.id for t in composed.tags])
    else:
        await enqueue(session, "timelines.fan_out", {"status_id": status.id})
    if composed.mentioned or (followers_count and await _has_bell_subscribers(session, author.id)):
        await enqueue(session, "notifications.status_posted", {"status_id": status.id})
    if visibility == "direct":
        await enqueue(session, "conversations.add_status", {"status_id": status.id})
    if any(a.organisation and a.id != author.id for a in composed.mentioned):
        # A question to an organisation: its desk (a layer above) takes it in, by job name.
        await enqueue(session, "desk.intake", {"status_id": status.id})
    if site.federation and await goes_out(session, status, composed.mentioned, parent):
        await enqueue(session, "federation.status_created", {"status_id": status.id})
    await session.flush()
    return status


async def goes_out(session: AsyncSession, status: Status, mentioned: list[Account], parent: Status | None) -> bool:
    """Whether a post has anyone on another server to reach: a mentioned or replied-to remote
    account, or (not for direct posts) a remote follower."""
    if any(a.domain is not None for a in mentioned) or (parent is not None and not parent.local):
        return True
    return status.visibility != "direct" and await has_remote_followers(session, status.account_id)


# Read in the transaction, not from the caller's Account: a token's account may be cached
# in the process for a few seconds after a moderator suspended it (or someone followed it).
_SUSPENDED = FastSelect(select(Account.suspended_at, Account.followers_count)
                        .where(Account.id == bindparam("author_id")), name="AuthorSuspendedRow")


async def check_not_suspended(session: AsyncSession, account_id: int) -> int:
    """Refuses a suspended account; returns its follower count as committed now."""
    row = await _SUSPENDED.first(session, {"author_id": account_id})
    if row is not None and row[0] is not None:
        raise Forbidden("Your login is currently disabled")
    return row[1] if row is not None else 0


_BELLS = FastSelect(select(Follow.id).where(Follow.target_account_id == bindparam("author_id"),
                                           Follow.notify == true()).limit(1), name="BellRow")


async def _has_bell_subscribers(session: AsyncSession, author_id: int) -> bool:
    """Most posts mention nobody and ring no bells: then there is no notification job."""
    return await _BELLS.first(session, {"author_id": author_id}) is not None


async def _parent(session: AsyncSession, in_reply_to_id: int | None, author_id: int) -> Status | None:
    if in_reply_to_id is None:
        return None
    # A reply to a deleted, hidden or blocked status is refused as "not found".
    parent = await get_visible_status(session, in_reply_to_id, author_id)
    if parent.reblog_of_id is not None:
        parent = await get_visible_status(session, parent.reblog_of_id, author_id)
    return parent


def _status_row(
    site: Site, author: Account, composed: Composed, parent: Status | None, *, visibility: str,
    language: str, sensitive: bool, application_id: int | None,
) -> dict:
    status_id = new_id()
    return {
        "id": status_id,
        "account_id": author.id,
        "uri": f"{site.base_url}/users/{author.username}/statuses/{status_id}",
        "url": f"{site.base_url}/@{author.username}/{status_id}",
        "local": True,
        "text": composed.text,
        "content": composed.content,
        "spoiler_text": composed.spoiler_text,
        "sensitive": bool(sensitive) or bool(composed.spoiler_text),
        "language": language,
        "visibility": visibility,
        "in_reply_to_id": parent.id if parent else None,
        "in_reply_to_account_id": parent.account_id if parent else None,
        "reblog_of_id": None,
        "application_id": application_id,
        "created_at": utcnow(),
        "edited_at": None,
        "deleted_at": None,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "in_reply_to_uri": None,
        "emoji_shortcodes": None,
    }


# A post's rows go in through prebuilt INSERTs rather than the ORM's unit of work, which
# cost several times the statements on the single SQLite writer (db.fast_write).
_STATUS_ROWS = FastInsert(Status.__table__)
_EDIT_ROWS = FastInsert(StatusEdit.__table__)
_MENTION_ROWS = FastInsert(Mention.__table__)
_TAG_ROWS = FastInsert(StatusTag.__table__)
_FEED_ROWS = FastInsert(HomeFeedEntry.__table__, ignore_conflicts=True)


async def _insert_status(session: AsyncSession, row: dict) -> Status:
    """The status row, and the same status as a persistent entity of the session (every
    attribute set, so reading it never loads), for the code that goes on with it."""
    await _STATUS_ROWS.run(session, [row])
    status = Status(**row)
    make_transient_to_detached(status)
    session.add(status)
    return status


async def _write_rows(session: AsyncSession, status: Status, composed: Composed) -> None:
    """The first revision, mentions, tags and the author's own feed entry."""
    await _EDIT_ROWS.run(session, [{
        "status_id": status.id, "account_id": status.account_id, "text": status.text, "content": status.content,
        "spoiler_text": status.spoiler_text, "sensitive": status.sensitive, "language": status.language,
        "created_at": status.created_at}])
    await _MENTION_ROWS.run(session, [{"status_id": status.id, "account_id": a.id} for a in composed.mentioned])
    await _TAG_ROWS.run(session, [{"status_id": status.id, "tag_id": t.id} for t in composed.tags])
    # The author sees their own post at once.
    await _FEED_ROWS.run(session, [{"account_id": status.account_id, "status_id": status.id,
                                    "author_id": status.account_id}])
