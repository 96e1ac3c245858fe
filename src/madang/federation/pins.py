"""Pins over ActivityPub (decision 0042): a local pin or unpin goes out as Add or Remove with
the account's featured collection as ``target``; a remote actor's Add or Remove to its own
featured collection pins or unpins one of its own posts here (StatusPin rows of the remote
account, so its profile's pinned posts show them), as Mastodon's Add/Remove handlers do."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.federation import fetching, render
from madang.federation.config import FederationConfig, config_of
from madang.federation.outgoing import _send, _uri, follower_inboxes
from madang.federation.parse import first_id, same_origin
from madang.federation.remote_posts import status_for
from madang.federation.resolve import NotResolved, account_for_uri
from madang.jobs import handler
from madang.models import Account, Status, StatusPin
from madang.statuses.remote import find_status_by_uri

log = logging.getLogger(__name__)


def featured_uri(account: Account, config: FederationConfig) -> str:
    return f"{_uri(account, config)}/collections/featured"


@handler("federation.pinned")
async def pinned(session: AsyncSession, payload: dict) -> None:
    """A local pin (``undo``: an unpin) of a public or unlisted post, to the remote followers."""
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    status = await session.get(Status, int(payload["status_id"]))
    if account is None or account.domain is not None or status is None or status.account_id != account.id:
        return
    if status.deleted_at is not None or status.visibility not in ("public", "unlisted"):
        return
    make = render.remove if payload.get("undo") else render.add
    kind = "unpins" if payload.get("undo") else "pins"
    actor = _uri(account, config)
    activity = make(status.uri or "", featured_uri(account, config), actor,
                    activity_id=f"{actor}#{kind}/{new_id()}")
    await _send(session, config, activity, account, await follower_inboxes(session, account.id))


async def _is_featured_of(db: Any, config: FederationConfig, activity: dict, actor: Account) -> bool:
    """Whether the Add/Remove's target is the actor's own featured collection (the actor is
    read again once when the stored row names none, as after a first fetch of an old row)."""
    target = first_id(activity.get("target"))
    if not target or not same_origin(target, actor.uri or ""):
        return False
    if actor.featured_url is None:
        try:
            actor = await account_for_uri(db, config, actor.uri or "", refresh=True)
        except (NotResolved, fetching.FetchError):
            return False
    return target == actor.featured_url


async def receive_add(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    """A remote actor pinned one of its posts (fetched from its origin when not known yet)."""
    if not await _is_featured_of(db, config, activity, actor):
        return  # featured hashtags and other collections are not kept here
    uri = first_id(activity.get("object"))
    if not uri or not same_origin(uri, actor.uri or ""):
        return
    status = await status_for(db, config, uri, depth=0)  # known, else fetched from its origin
    if status is None or status.account_id != actor.id or status.deleted_at is not None:
        return
    async with db.write() as session:
        exists = await session.scalar(select(StatusPin.id).where(StatusPin.account_id == actor.id,
                                                                 StatusPin.status_id == status.id))
        if exists is None:
            session.add(StatusPin(id=new_id(), account_id=actor.id, status_id=status.id, created_at=utcnow()))


async def receive_remove(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    if not await _is_featured_of(db, config, activity, actor):
        return
    uri = first_id(activity.get("object"))
    if not uri:
        return
    async with db.write() as session:
        status = await find_status_by_uri(session, uri)
        if status is not None and status.account_id == actor.id:
            await session.execute(delete(StatusPin).where(StatusPin.account_id == actor.id,
                                                          StatusPin.status_id == status.id))
