"""Remote posts found by id: a parent fetched for a reply (bounded), a pasted URL, a boosted post."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from madang.federation import fetching
from madang.federation.config import FederationConfig
from madang.federation.domain_policy import rejects_media
from madang.federation.emoji import store_status_emojis
from madang.federation.parse import ParseError, RemoteNote, first_id, parse_note, same_origin
from madang.federation.remote_accounts import find_account_by_uri
from madang.federation.resolve import NotResolved, account_for_uri, fetch_object
from madang.federation.uris import local_status_id, local_username
from madang.models import Account, Status
from madang.statuses.remote import RemoteMedia, RemotePoll, RemotePost, find_status_by_uri, store_remote_status

log = logging.getLogger(__name__)
NOTE_TYPES = ("Note", "Question", "Article", "Page", "Image", "Video", "Audio", "Event")
MAX_ANCESTORS = 20


async def local_account(session: Any, config: FederationConfig, uri: str | None) -> Account | None:
    username = local_username(config.base_url, uri or "")
    if username is None:
        return None
    return await session.scalar(select(Account).where(Account.acct_key == username.lower(),
                                                      Account.domain.is_(None)))


async def post_of(db: Any, config: FederationConfig, note: RemoteNote, *, depth: int = 0) -> RemotePost:
    """The parsed note with its parent and mentioned accounts found (fetched, bounded)."""
    parent = None
    if note.in_reply_to:
        parent = await status_for(db, config, note.in_reply_to, depth=depth + 1)
    mentioned: list[Account] = []
    for href, _name in note.mentions[:50]:
        async with db.read() as session:
            account = await local_account(session, config, href)
            if account is None and not config.is_local(href):
                account = await find_account_by_uri(session, href)
        if account is not None:
            mentioned.append(account)
    media = [RemoteMedia(url=a.url, content_type=a.media_type or "application/octet-stream",
                         description=a.description, blurhash=a.blurhash, focus=a.focus, width=a.width or 0,
                         height=a.height or 0) for a in note.attachments if a.url.startswith("https://")]
    poll = None
    if note.poll is not None:
        poll = RemotePoll(options=[(o.name, o.votes) for o in note.poll.options], multiple=note.poll.multiple,
                          expires_at=note.poll.end_time, voters_count=note.poll.voters_count or 0)
    return RemotePost(uri=note.uri, url=note.url, content=note.content_html, text=note.text,
                      spoiler_text=note.summary or "", sensitive=note.sensitive, language=note.language,
                      visibility=note.visibility, created_at=note.published, edited_at=note.updated,
                      in_reply_to=parent, in_reply_to_uri=note.in_reply_to, mentioned=mentioned,
                      hashtags=list(note.hashtags), media=media, poll=poll, emojis=list(note.emojis))


async def status_for(db: Any, config: FederationConfig, uri: str, *, depth: int) -> Status | None:
    """A status by ActivityPub id: local, known, or (for ancestors, up to MAX_ANCESTORS) fetched."""
    async with db.read() as session:
        status_id = local_status_id(config.base_url, uri)
        if status_id is not None:
            return await session.get(Status, status_id)
        known = await find_status_by_uri(session, uri)
    if known is not None or depth > MAX_ANCESTORS:
        return known
    try:
        document = await fetch_object(db, config, uri)
        author_uri = first_id(document.get("attributedTo"))
        if not author_uri or not same_origin(author_uri, uri):
            return None
        author = await account_for_uri(db, config, author_uri)
        note = parse_note(document, author_followers_uri=author.followers_url)
        post = await post_of(db, config, note, depth=depth)
    except (NotResolved, fetching.FetchError, ParseError) as exc:
        log.info("parent %s not fetched: %s", uri, exc)
        return None
    async with db.write() as session:
        return await store_post(session, config, author, post)




async def store_post(session: Any, config: FederationConfig, author: Account, post: RemotePost, *,
                     small_audience: bool = False, terms: Any = None) -> Status:
    """Store a remote post and, unless media is only linked, queue the caching of its photos.
    ``small_audience`` and ``terms``: see `store_remote_status`."""
    status, created = await store_remote_status(session, author=author, post=post, small_audience=small_audience,
                                                terms=terms)
    if created and post.emojis:
        await store_status_emojis(session, config, author=author, status=status, tags=post.emojis,
                                  poll_options=[t for t, _ in post.poll.options] if post.poll else ())
    if created and post.media and config.remote_media == "cache" and not await rejects_media(session, author.domain):
        from madang.jobs import enqueue
        from madang.models import MediaAttachment

        ids = await session.scalars(select(MediaAttachment.id).where(MediaAttachment.status_id == status.id,
                                                                     MediaAttachment.type == "image"))
        for media_id in ids:
            await enqueue(session, "federation.cache_media", {"media_id": media_id})
    return status


ACTOR_TYPES = ("Person", "Service", "Organization", "Group", "Application")


async def resolve_url(db: Any, config: FederationConfig, url: str) -> Account | Status | None:
    """A pasted URL of a remote profile or post (search with resolve=true): fetched, signed, as
    the instance actor; a profile becomes an account, a post a status (with its author)."""
    if config.is_local(url) or not url.startswith("https://"):
        return None
    try:
        document = await fetch_object(db, config, url)
    except (NotResolved, fetching.FetchError):
        return None
    kind = document.get("type")
    if kind in ACTOR_TYPES:
        try:
            return await account_for_uri(db, config, document["id"], refresh=True)
        except (NotResolved, fetching.FetchError):
            return None
    if kind in NOTE_TYPES:
        return await status_for(db, config, document["id"], depth=0)
    return None
