"""Posts that come from other servers (ActivityPub): stored as statuses like local ones, so
timelines, search, notifications and the desk need no second path (DESIGN: remote content is
rows, not a new model). Idempotent by ActivityPub id: a redelivered post changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.fast_select import FastSelect
from madang.db.fast_write import FastInsert
from madang.events import CREATED, DELETED, EDITED, publish, status_event
from madang.jobs import enqueue
from madang.models import (
    Account,
    HomeFeedEntry,
    MediaAttachment,
    Mention,
    Notification,
    Poll,
    PollOption,
    Status,
    StatusEdit,
    StatusTag,
)
from madang.statuses.composing import upsert_tags
from madang.statuses.counters import count_post
from madang.statuses.delivery import deliver_post
from madang.statuses.search_index import index_status, reindex_status, status_terms, unindex_status
from madang.text.tags import is_valid_tag, normalize_tag
from madang.text.tokens import HashtagToken


@dataclass(frozen=True)
class RemoteMedia:
    """A remote attachment: linked until a job caches it (federation.cache_media)."""

    url: str
    content_type: str
    description: str | None = None
    blurhash: str | None = None
    focus: tuple[float, float] | None = None
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class RemotePoll:
    options: list[tuple[str, int]]  # title, votes
    multiple: bool = False
    expires_at: datetime | None = None
    voters_count: int = 0


@dataclass
class RemotePost:
    """A remote post as federation parsed it (sanitised HTML, plain text for search)."""

    uri: str
    url: str | None
    content: str
    text: str
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    visibility: str = "public"
    created_at: datetime | None = None
    edited_at: datetime | None = None
    in_reply_to: Status | None = None
    in_reply_to_uri: str | None = None
    mentioned: list[Account] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    media: list[RemoteMedia] = field(default_factory=list)
    poll: RemotePoll | None = None
    emojis: list[tuple[str, str]] = field(default_factory=list)  # Emoji tags: shortcode, icon URL


async def find_status_by_uri(session: AsyncSession, uri: str) -> Status | None:
    return await session.scalar(select(Status).where(Status.uri == uri))


def _tokens(names: list[str]) -> tuple[HashtagToken, ...]:
    tokens = []
    for name in names[:50]:
        name = name.lstrip("#＃")
        if is_valid_tag(name):
            tokens.append(HashtagToken(name=name, key=normalize_tag(name), start=0, end=0))
    return tuple(tokens)


async def store_remote_status(session: AsyncSession, *, author: Account, post: RemotePost,
                              small_audience: bool = False, terms: Iterable[str] | None = None) -> tuple[Status, bool]:
    """The status of a remote post, made if new (second element: made now). Its author's local
    followers get it in their home feeds, mentioned local accounts a notification, and a post
    that asks a local organisation something goes to its desk, as a local post would.

    The rows go in through prebuilt INSERTs (db.fast_write), as a local post's do: through the
    ORM's unit of work they cost several times the statements (decision 0041).
    ``small_audience``: the caller knows the author has at most INLINE_FOLLOWERS local
    followers (one feed statement, no slices); ``terms``: the search terms, computed before
    the unit (`status_terms`)."""
    if await _URI_TAKEN.first(session, {"uri": post.uri}) is not None:
        existing = await find_status_by_uri(session, post.uri)
        if existing is not None:
            return existing, False
    now = utcnow()
    created = min(post.created_at or now, now)
    parent = post.in_reply_to
    row = {
        "id": new_id(), "account_id": author.id, "uri": post.uri, "url": post.url or post.uri, "local": False,
        "text": post.text, "content": post.content, "spoiler_text": post.spoiler_text,
        "sensitive": post.sensitive or bool(post.spoiler_text), "language": post.language,
        "visibility": post.visibility, "in_reply_to_id": parent.id if parent else None,
        "in_reply_to_account_id": parent.account_id if parent else None,
        "in_reply_to_uri": None if parent else post.in_reply_to_uri, "reblog_of_id": None, "application_id": None,
        "created_at": created, "edited_at": post.edited_at, "deleted_at": None, "emoji_shortcodes": None,
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0}
    await _STATUS_ROWS.run(session, [row])
    # The same row as an entity with every attribute loaded (never loads, as one read back
    # would be), made without the mapped constructor's per-attribute events (~140 µs).
    status = _new_status()
    status.__dict__.update(row)
    make_transient_to_detached(status)
    await _EDIT_ROWS.run(session, [{
        "status_id": status.id, "account_id": author.id, "text": status.text, "content": status.content,
        "spoiler_text": status.spoiler_text, "sensitive": status.sensitive, "language": status.language,
        "created_at": created}])
    mentioned = {a.id: a for a in post.mentioned}
    await _MENTION_ROWS.run(session, [{"status_id": status.id, "account_id": a} for a in mentioned])
    tags = await upsert_tags(session, _tokens(post.hashtags))
    await _TAG_ROWS.run(session, [{"status_id": status.id, "tag_id": tag.id} for tag in tags])
    if post.media or (post.poll is not None and post.poll.options):
        for position, item in enumerate(post.media[:MAX_MEDIA]):
            session.add(_media_row(author.id, status.id, position, item, created))
        if post.poll is not None and post.poll.options:
            await _add_poll(session, status, post.poll)
        await session.flush()
    await index_status(session, status, terms)
    await count_post(session, status, delta=1)
    await deliver_post(session, status, sliced=not small_audience, tag_ids=[t.id for t in tags])
    local_mentioned = [a for a in mentioned.values() if a.domain is None]
    if local_mentioned:
        await enqueue(session, "notifications.status_posted", {"status_id": status.id})
    if status.visibility == "direct":
        await enqueue(session, "conversations.add_status", {"status_id": status.id})
    if any(a.organisation for a in local_mentioned):
        await enqueue(session, "desk.intake", {"status_id": status.id})
    publish(session, status_event(CREATED, status))
    return status, True


_new_status = Status._sa_class_manager.new_instance
_URI_TAKEN = FastSelect(select(Status.id).where(Status.uri == bindparam("uri")), name="StatusUriRow")
_STATUS_ROWS = FastInsert(Status.__table__)
_EDIT_ROWS = FastInsert(StatusEdit.__table__)
_MENTION_ROWS = FastInsert(Mention.__table__)
_TAG_ROWS = FastInsert(StatusTag.__table__)


MAX_MEDIA = 8
MEDIA_TYPES = {"image": "image", "video": "video", "audio": "audio"}


def _media_row(account_id: int, status_id: int, position: int, item: RemoteMedia, created: datetime) -> MediaAttachment:
    kind = MEDIA_TYPES.get(item.content_type.split("/", 1)[0], "unknown")
    x, y = item.focus or (0.0, 0.0)
    return MediaAttachment(
        id=new_id(), account_id=account_id, status_id=status_id, position=position, type=kind,
        content_type=item.content_type[:50], file_key="", file_size=0, width=item.width or 0,
        height=item.height or 0, small_key="", small_content_type="", small_width=item.width or 0,
        small_height=item.height or 0, blurhash=(item.blurhash or None) and item.blurhash[:100],
        description=item.description, focus_x=max(-1.0, min(1.0, x)), focus_y=max(-1.0, min(1.0, y)),
        created_at=created, remote_url=item.url[:1000])


async def _add_poll(session: AsyncSession, status: Status, spec: RemotePoll) -> None:
    """A remote poll as its server counts it (votes are counted there; Update brings new counts)."""
    options = spec.options[:20]
    poll = Poll(id=new_id(), status_id=status.id, account_id=status.account_id, multiple=spec.multiple,
                hide_totals=False, expires_at=spec.expires_at or status.created_at,
                votes_count=sum(v for _t, v in options), voters_count=spec.voters_count or 0, created_at=status.created_at)
    session.add(poll)
    await session.flush()
    for position, (title, votes) in enumerate(options):
        session.add(PollOption(poll_id=poll.id, position=position, title=title[:200], votes_count=max(0, votes)))


async def update_remote_status(session: AsyncSession, *, status: Status, post: RemotePost) -> bool:
    """An edit from the author's server: a new revision when ``updated`` is newer than what we hold."""
    if post.edited_at is None or (status.edited_at is not None and post.edited_at <= status.edited_at):
        return False
    previous = status_terms(status)
    status.content, status.text = post.content, post.text
    status.spoiler_text, status.sensitive = post.spoiler_text, post.sensitive or bool(post.spoiler_text)
    status.language, status.edited_at = post.language, min(post.edited_at, utcnow())
    session.add(StatusEdit(status_id=status.id, account_id=status.account_id, text=status.text,
                           content=status.content, spoiler_text=status.spoiler_text, sensitive=status.sensitive,
                           language=status.language, created_at=status.edited_at))
    await session.flush()
    await reindex_status(session, status, previous)
    await enqueue(session, "notifications.status_edited", {"status_id": status.id})
    publish(session, status_event(EDITED, status))
    return True


async def delete_remote_status(session: AsyncSession, *, status: Status) -> None:
    """The author's server deleted it: hidden everywhere, as a local deletion."""
    if status.deleted_at is not None:
        return
    status.deleted_at = utcnow()
    await unindex_status(session, status)
    if status.reblog_of_id is None:
        await count_post(session, status, delta=-1)
        boosts = list(await session.scalars(select(Status.id).where(Status.reblog_of_id == status.id)))
    else:
        boosts = []
    await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.status_id.in_([status.id, *boosts])))
    await session.execute(delete(Notification).where(Notification.status_id == status.id))
    await session.flush()
    publish(session, status_event(DELETED, status))


async def refresh_remote_poll(session: AsyncSession, *, status: Status, spec: RemotePoll) -> bool:
    """New counts of a remote poll from its server (an Update of the Question); the options
    themselves change only with an edit."""
    poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
    if poll is None:
        return False
    options = list(await session.scalars(select(PollOption).where(PollOption.poll_id == poll.id)
                                         .order_by(PollOption.position)))
    if [o.title for o in options] != [title[:200] for title, _votes in spec.options[:20]]:
        return False
    for option, (_title, votes) in zip(options, spec.options, strict=False):
        option.votes_count = max(0, votes)
    poll.votes_count = sum(o.votes_count for o in options)
    poll.voters_count = max(poll.voters_count, spec.voters_count or 0)
    if spec.expires_at is not None:
        poll.expires_at = spec.expires_at
    await session.flush()
    return True
