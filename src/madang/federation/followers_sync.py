"""Receiving FEP-8fcf followers synchronisation (decision 0042), as Mastodon's
PrepareFollowersSynchronizationService and SynchronizeFollowersService do it.

A remote server delivering an activity says, in ``Collection-Synchronization``, the digest of
the followers its actor has on *this* server (as that server knows them) and where to read
them. When it differs from the digest of the local accounts that follow that actor here, a job
reads the partial collection (a signed GET as the instance actor) and repairs: a local follow
the remote does not know is ended (with an Undo Follow, so both sides agree), and a local
account the remote lists as following but which does not follow here is either a pending
request whose Accept was lost (made a follow) or gets an Undo Follow.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follows import create_follow, unfollow_account
from madang.federation import fetching
from madang.federation.config import FederationConfig, config_of
from madang.federation.delivery import followers_digest
from madang.federation.parse import ParseError, as_list, first_id, host_of
from madang.federation.remote_posts import local_account
from madang.jobs import enqueue, handler
from madang.models import Account, Follow, FollowRequest

log = logging.getLogger(__name__)

SYNC_JOB = "federation.sync_followers"
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*"([^"]*)"\s*(?:,|$)')
CHECKED_KEY = "federation.followers_sync_checked"
CHECK_SECONDS = 3600.0  # one repair per remote actor and hour per process at most
MAX_ITEMS = 10_000
MAX_PAGES = 10


def _host(uri: str | None) -> str | None:
    try:
        return host_of(uri or "")
    except ParseError:
        return None


def parse_header(value: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _PARAM.finditer(value or "")}


def _local_uri(username: str, uri: str | None, config: FederationConfig) -> str:
    return uri or f"{config.base_url}/users/{username}"


async def local_followers_digest(session: AsyncSession, config: FederationConfig, account_id: int) -> str:
    rows = await session.execute(select(Account.username, Account.uri).join(Follow, Follow.account_id == Account.id)
                                 .where(Follow.target_account_id == account_id, Account.domain.is_(None)))
    return followers_digest(_local_uri(name, uri, config) for name, uri in rows)


def _due(db: Any, account_id: int) -> bool:
    checked = db.session_info.setdefault(CHECKED_KEY, {})
    now = time.monotonic()
    if checked.get(account_id, -1e9) > now - CHECK_SECONDS:
        return False
    if len(checked) > 10_000:
        checked.clear()
    checked[account_id] = now
    return True


async def check_header(db: Any, config: FederationConfig, signer: Account, header: str) -> None:
    """From the receive job: queue a repair when the digest the remote sent is not ours."""
    params = parse_header(header)
    url = params.get("url", "")
    if signer.domain is None or not signer.followers_url or params.get("collectionId") != signer.followers_url:
        return
    if not url or _host(url) is None or _host(url) != _host(signer.uri):
        return  # the list is read only from the actor's own server
    async with db.read() as session:
        ours = await local_followers_digest(session, config, signer.id)
    if ours == params.get("digest") or not _due(db, signer.id):
        return
    async with db.write() as session:
        await enqueue(session, SYNC_JOB, {"account_id": signer.id, "url": url})


async def _items(db: Any, config: FederationConfig, url: str, owner_uri: str) -> list[str] | None:
    document: Any = await fetching.get_json(db, config, url)
    items: list[str] = []
    for _page in range(MAX_PAGES):
        if not isinstance(document, dict):
            return None
        first = document.get("first")
        if first is not None and not (document.get("orderedItems") or document.get("items")):
            document = first if isinstance(first, dict) else await _page_of(db, config, first, owner_uri)
            continue
        kind = document.get("type")
        if kind in ("OrderedCollection", "OrderedCollectionPage"):
            values = as_list(document.get("orderedItems"))
        elif kind in ("Collection", "CollectionPage"):
            values = as_list(document.get("items"))
        else:
            return None
        items += [i for i in map(first_id, values) if i]
        following = document.get("next")
        if not following or len(items) >= MAX_ITEMS:
            return items[:MAX_ITEMS]
        document = following if isinstance(following, dict) else await _page_of(db, config, following, owner_uri)
    return items


async def _page_of(db: Any, config: FederationConfig, value: Any, owner_uri: str) -> Any:
    url = first_id(value)
    if not url or _host(url) is None or _host(url) != _host(owner_uri):
        return None
    return await fetching.get_json(db, config, url)


@handler(SYNC_JOB, unit=False)
async def sync_followers(db: Any, payload: dict) -> None:
    config = config_of(db)
    async with db.read() as session:
        remote = await session.get(Account, int(payload["account_id"]))
    if remote is None or remote.domain is None or remote.uri is None:
        return
    url = str(payload.get("url") or "")
    if _host(url) is None or _host(url) != _host(remote.uri):
        return
    try:
        listed = await _items(db, config, url, remote.uri)
    except fetching.FetchError as exc:
        log.info("followers of %s on this server could not be read: %s", remote.uri, exc)
        return
    if listed is None:
        return
    async with db.write() as session:
        remote = await session.get(Account, remote.id)
        if remote is None:
            return
        expected: dict[int, Account] = {}
        for uri in listed:
            account = await local_account(session, config, uri)
            if account is not None:
                expected[account.id] = account
        await _remove_unexpected_followers(session, remote, set(expected))
        for account in expected.values():
            await _handle_unexpected_follow(session, remote, account)


async def _remove_unexpected_followers(session: AsyncSession, remote: Account, expected: set[int]) -> None:
    """Local follows of ``remote`` its server does not know: ended, with an Undo Follow."""
    followers = list(await session.scalars(select(Account).join(Follow, Follow.account_id == Account.id)
                                           .where(Follow.target_account_id == remote.id, Account.domain.is_(None))))
    for follower in followers:
        if follower.id not in expected:
            log.info("%s no longer follows %s: its server does not list the follow", follower.acct, remote.acct)
            await unfollow_account(session, account=follower, target=remote)


async def _handle_unexpected_follow(session: AsyncSession, remote: Account, account: Account) -> None:
    """The remote lists ``account`` as following: true already, a request whose Accept was
    lost (it becomes the follow), or unknown here (an Undo Follow tells the remote)."""
    if await session.scalar(select(Follow.id).where(Follow.account_id == account.id,
                                                    Follow.target_account_id == remote.id)) is not None:
        return
    request = await session.scalar(select(FollowRequest).where(FollowRequest.account_id == account.id,
                                                               FollowRequest.target_account_id == remote.id))
    if request is not None:
        follow, created = await create_follow(session, follower=account, target=remote,
                                              show_reblogs=request.show_reblogs, notify=request.notify)
        follow.uri = request.uri
        await session.execute(delete(FollowRequest).where(FollowRequest.id == request.id))
        await session.flush()
        if created:
            await enqueue(session, "timelines.merge_account", {"account_id": account.id, "target_id": remote.id})
        return
    await enqueue(session, "federation.unfollow", {"account_id": account.id, "target_id": remote.id, "uri": None})
