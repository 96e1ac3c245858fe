"""Local actors, posts and collections as ActivityStreams documents: rows read here, shapes made
by ``federation.render``. Only what a stranger may see: public and unlisted posts of accounts
that are not suspended (followers-only and direct posts are delivered, never served)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.profiles import render_field_html
from madang.federation import render
from madang.federation.config import FederationConfig
from madang.federation.keys import find_actor_key
from madang.federation.uris import account_uri
from madang.media.storage import URL_PREFIX
from madang.models import (
    Account,
    Follow,
    MediaAttachment,
    Mention,
    Poll,
    PollOption,
    Status,
    StatusPin,
    StatusTag,
    Tag,
)

PUBLICLY_SERVED = ("public", "unlisted")
PAGE_SIZE = 20


@dataclass(frozen=True)
class Served:
    """A document, or why there is none: ``gone`` (deleted: 410) or not found (404)."""

    document: dict | None
    gone: bool = False


def _media_url(config: FederationConfig):  # noqa: ANN202 - a small closure
    def url(key: str) -> str:
        return key if key.startswith(("http://", "https://")) else f"{config.base_url}{URL_PREFIX}{key}"
    return url


async def find_local_account(session: AsyncSession, username: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.acct_key == username.lower(), Account.domain.is_(None)))


def actor_of(account: Account, config: FederationConfig, public_pem: str) -> dict:
    url = _media_url(config)
    fields = [(f.get("name", ""), render_field_html(f.get("value", ""), base_url=config.base_url))
              for f in (account.fields or [])]
    return render.actor_document(
        account, base_url=config.base_url, public_key_pem=public_pem,
        avatar_url=url(account.avatar_path) if account.avatar_path else None,
        header_url=url(account.header_path) if account.header_path else None, fields_html=fields)


async def local_actor(session: AsyncSession, config: FederationConfig, username: str) -> Served:
    account = await find_local_account(session, username)
    if account is None:
        return Served(None)
    key = await find_actor_key(session, account.id)
    if key is None:
        return Served(None)  # the caller makes the key in a write unit and asks again
    document = actor_of(account, config, key.public_pem)
    if account.suspended_at is not None:
        # Mastodon serves a suspended actor bare, flagged, so followers' servers hide it.
        document = {k: document[k] for k in ("@context", "id", "type", "preferredUsername", "inbox", "outbox",
                                             "followers", "following", "publicKey", "endpoints", "url")
                    if k in document}
        document["suspended"] = True
    return Served(document)


async def status_parts(session: AsyncSession, status: Status, author: Account, config: FederationConfig) -> dict:
    """The Note (or Question) of a local status, with its mentions, tags, photos and poll."""
    mentions = list(await session.scalars(
        select(Account).join(Mention, Mention.account_id == Account.id).where(Mention.status_id == status.id)))
    tags = list(await session.scalars(
        select(Tag).join(StatusTag, StatusTag.tag_id == Tag.id).where(StatusTag.status_id == status.id)))
    media = list(await session.scalars(
        select(MediaAttachment).where(MediaAttachment.status_id == status.id, MediaAttachment.position.is_not(None))
        .order_by(MediaAttachment.position)))
    poll_row = await session.scalar(select(Poll).where(Poll.status_id == status.id))
    poll = None
    if poll_row is not None:
        options = list(await session.scalars(
            select(PollOption).where(PollOption.poll_id == poll_row.id).order_by(PollOption.position)))
        poll = (poll_row, options)
    parent_uri = status.in_reply_to_uri
    if status.in_reply_to_id is not None:
        parent_uri = await session.scalar(select(Status.uri).where(Status.id == status.in_reply_to_id)) or parent_uri
    return render.note(status, base_url=config.base_url, author=author, mentions=mentions, tags=tags, media=media,
                       media_url=_media_url(config), poll=poll, in_reply_to_uri=parent_uri)


async def servable_status(session: AsyncSession, username: str, status_id: int) -> tuple[Status, Account] | Served:
    """A local post a stranger may fetch (and its author), or why not (404, or 410 when gone)."""
    status = await session.get(Status, status_id)
    if status is None or not status.local or status.reblog_of_id is not None:
        return Served(None)
    author = await session.get(Account, status.account_id)
    if author is None or author.username.lower() != username.lower() or author.domain is not None:
        return Served(None)
    if status.deleted_at is not None or author.suspended_at is not None:
        return Served(None, gone=True)
    if status.visibility not in PUBLICLY_SERVED:
        return Served(None)
    return status, author


async def local_note(session: AsyncSession, config: FederationConfig, username: str, status_id: int) -> Served:
    found = await servable_status(session, username, status_id)
    if isinstance(found, Served):
        return found
    status, author = found
    return Served(await status_parts(session, status, author, config))


def _collection(uri: str, total: int, items: list | None = None, *, ordered: bool = True,
                first: str | None = None) -> dict:
    kind = "OrderedCollection" if ordered else "Collection"
    document: dict = {"@context": render.CONTEXT, "id": uri, "type": kind, "totalItems": total}
    if items is not None:
        document["orderedItems" if ordered else "items"] = items
    if first:
        document["first"] = first
    return document


def _page(uri: str, part_of: str, items: list, next_uri: str | None) -> dict:
    document = {"@context": render.CONTEXT, "id": uri, "type": "OrderedCollectionPage", "partOf": part_of,
                "orderedItems": items}
    if next_uri:
        document["next"] = next_uri
    return document


async def follow_collection(session: AsyncSession, config: FederationConfig, username: str, *, followers: bool,
                            page: int | None) -> Served:
    """Followers or following: the count, and pages of actor ids (as Mastodon shows them)."""
    account = await find_local_account(session, username)
    if account is None:
        return Served(None)
    uri = f"{account_uri(config.base_url, account.username)}/{'followers' if followers else 'following'}"
    total = account.followers_count if followers else account.following_count
    if page is None:
        return Served(_collection(uri, total, first=f"{uri}?page=1"))
    mine, other = (Follow.target_account_id, Follow.account_id) if followers else (Follow.account_id, Follow.target_account_id)
    page = max(1, min(page, 10_000))
    rows = await session.execute(
        select(Account.uri, Account.username, Account.domain).join(Follow, other == Account.id)
        .where(mine == account.id).order_by(Follow.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
    ids = [r.uri or account_uri(config.base_url, r.username) for r in rows]
    more = len(ids) > PAGE_SIZE
    return Served(_page(f"{uri}?page={page}", uri, ids[:PAGE_SIZE], f"{uri}?page={page + 1}" if more else None))


async def outbox(session: AsyncSession, config: FederationConfig, username: str, *, max_id: int | None,
                 page: bool) -> Served:
    """Public posts as Create activities, newest first, a page at a time (``max_id`` pages back)."""
    account = await find_local_account(session, username)
    if account is None:
        return Served(None)
    uri = f"{account_uri(config.base_url, account.username)}/outbox"
    base = (select(Status).where(Status.account_id == account.id, Status.deleted_at.is_(None),
                                 Status.visibility.in_(PUBLICLY_SERVED), Status.reblog_of_id.is_(None)))
    if not page:
        total = await session.scalar(select(func.count()).select_from(base.subquery()))
        return Served(_collection(uri, int(total or 0), first=f"{uri}?page=true"))
    query = base.order_by(Status.id.desc()).limit(PAGE_SIZE)
    if max_id is not None:
        query = query.where(Status.id < max_id)
    statuses = list(await session.scalars(query))
    items = [render.create(await status_parts(session, s, account, config), account.uri or "") for s in statuses]
    next_uri = f"{uri}?page=true&max_id={statuses[-1].id}" if len(statuses) == PAGE_SIZE else None
    this = f"{uri}?page=true" + (f"&max_id={max_id}" if max_id else "")
    return Served(_page(this, uri, items, next_uri))


async def featured(session: AsyncSession, config: FederationConfig, username: str) -> Served:
    """Pinned public posts, as full Notes (Mastodon's shape; GoToSocial lists ids)."""
    account = await find_local_account(session, username)
    if account is None:
        return Served(None)
    uri = f"{account_uri(config.base_url, account.username)}/collections/featured"
    statuses = list(await session.scalars(
        select(Status).join(StatusPin, StatusPin.status_id == Status.id)
        .where(StatusPin.account_id == account.id, Status.deleted_at.is_(None),
               Status.visibility.in_(PUBLICLY_SERVED)).order_by(StatusPin.id.desc()).limit(20)))
    items = [await status_parts(session, s, account, config) for s in statuses]
    return Served(_collection(uri, len(items), items))


async def featured_tags(session: AsyncSession, config: FederationConfig, username: str) -> Served:
    from madang.models import FeaturedTag

    account = await find_local_account(session, username)
    if account is None:
        return Served(None)
    uri = f"{account_uri(config.base_url, account.username)}/collections/tags"
    names = list(await session.scalars(
        select(Tag.name).join(FeaturedTag, FeaturedTag.tag_id == Tag.id).where(FeaturedTag.account_id == account.id)))
    items = [{"type": "Hashtag", "href": f"{config.base_url}/tags/{n}", "name": f"#{n}"} for n in names]
    return Served(_collection(uri, len(items), items, ordered=False))


async def followers_on(session: AsyncSession, config: FederationConfig, username: str, *, domain: str | None) -> Served:
    """FEP-8fcf's partial followers collection: the followers whose ids are on ``domain``."""
    account = await find_local_account(session, username)
    if account is None or domain is None:
        return Served(None)
    uri = f"{account_uri(config.base_url, account.username)}/followers"
    ids = [u for u in await session.scalars(
        select(Account.uri).join(Follow, Follow.account_id == Account.id)
        .where(Follow.target_account_id == account.id, Account.domain == domain)) if u]
    return Served({"@context": render.CONTEXT, "id": f"{uri}?domain={domain}", "type": "OrderedCollection",
                   "totalItems": len(ids), "orderedItems": ids})
