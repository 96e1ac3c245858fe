"""Inbox forwarding (decision 0042), both ways.

Out, as Mastodon's reply forwarding and ActivityPub::Forwarder: a Create, Update or Delete of
a public or unlisted reply to a local post, received from its author's server, is passed on as
it came to the remote followers of the local post's author (and of local accounts that boosted
the reply), signed by that local author; the author's own server is left out, it has it.

In: an activity signed by someone other than its actor (a forward) is taken without trusting
its body, since no Linked Data signature is checked here. A Create or Update is processed with
its object fetched from the object's own origin; a Delete only when the object's origin answers
404 or 410 (or a Tombstone). Anything else forwarded is dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.federation import fetching
from madang.federation.config import FederationConfig
from madang.federation.delivery import domain_of, enqueue_delivery
from madang.federation.keys import get_or_create_actor_key
from madang.federation.parse import first_id, same_origin
from madang.federation.reach import followers_inboxes
from madang.federation.resolve import NotResolved, account_for_uri, fetch_object
from madang.models import Account, Follow, Status

log = logging.getLogger(__name__)

FORWARDABLE = ("Create", "Update", "Delete")


# ---------------------------------------------------------------- out

async def forward_reply(session: AsyncSession, config: FederationConfig, activity: dict, actor: Account,
                        status: Status | None) -> None:
    """Pass ``activity`` (about the remote ``status``) on to the followers of the local account
    it replies to; in the caller's unit, as delivery jobs."""
    if not config.enabled or status is None or status.local or status.in_reply_to_id is None:
        return
    if status.visibility not in ("public", "unlisted"):
        return  # Mastodon forwards only what it may distribute
    parent = await session.get(Status, status.in_reply_to_id)
    if parent is None or not parent.local:
        return
    owner = await session.get(Account, parent.account_id)
    if owner is None or owner.domain is not None or owner.suspended_at is not None:
        return
    local_boosters = list(await session.scalars(select(Status.account_id).where(
        Status.reblog_of_id == status.id, Status.local.is_(True))))
    inboxes = await followers_inboxes(session, [owner.id, *local_boosters])
    origin = domain_of(actor.uri or "")
    wanted = sorted(i for i in inboxes if domain_of(i) != origin)
    if not wanted:
        return
    await get_or_create_actor_key(session, owner.id)
    await enqueue_delivery(session, activity=activity, account_id=owner.id, inboxes=wanted,
                           local_prefix=config.base_url)


# ---------------------------------------------------------------- in

async def responds_to_followed_account(db: Any, in_reply_to: str | None) -> bool:
    """Mastodon's rule for a reply no local account is addressed by: kept when it answers a
    known post whose author is followed here (how a forwarded reply finds its thread)."""
    if not in_reply_to:
        return False
    from madang.statuses.remote import find_status_by_uri

    async with db.read() as session:
        parent = await find_status_by_uri(session, in_reply_to)
        if parent is None:
            return False
        return await session.scalar(
            select(Follow.id).join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id == parent.account_id, Account.domain.is_(None)).limit(1)) is not None


class NotTaken(Exception):
    """A forwarded activity that could not be confirmed at its origin."""


async def _gone_at_origin(db: Any, config: FederationConfig, uri: str) -> bool:
    try:
        document = await fetching.get_json(db, config, uri)
    except fetching.FetchError as exc:
        return exc.status in (404, 410)
    return isinstance(document, dict) and document.get("type") == "Tombstone"


async def confirmed(db: Any, config: FederationConfig, activity: dict) -> tuple[dict, Account]:
    """The forwarded ``activity`` as it may be processed, with its actor: the object fetched
    from its origin (Create, Update) or confirmed gone there (Delete). Raises NotTaken."""
    kind = activity.get("type")
    actor_uri = first_id(activity.get("actor"))
    object_uri = first_id(activity.get("object"))
    if kind not in FORWARDABLE or not actor_uri or not object_uri:
        raise NotTaken("only Create, Update and Delete are taken forwarded")
    if not same_origin(object_uri, actor_uri):
        raise NotTaken("the object is not on its actor's server")
    if config.is_local(actor_uri):
        raise NotTaken("a forward of a local actor's activity")
    if kind == "Delete":
        async with db.read() as session:
            from madang.federation.remote_accounts import find_account_by_uri

            actor = await find_account_by_uri(session, actor_uri)
        if actor is None:
            raise NotTaken("a Delete by an actor never seen here")
        if not await _gone_at_origin(db, config, object_uri):
            raise NotTaken(f"{object_uri} is still there at its origin")
        return {**activity, "object": object_uri}, actor
    try:
        actor = await account_for_uri(db, config, actor_uri)
        document = await fetch_object(db, config, object_uri)
    except (NotResolved, fetching.FetchError) as exc:
        raise NotTaken(str(exc)) from None
    if first_id(document.get("attributedTo")) != actor.uri:
        raise NotTaken("the fetched object is not the actor's")
    return {**activity, "object": document}, actor


async def receive_forwarded(db: Any, config: FederationConfig, activity: dict, dispatch: Any) -> None:
    """Process a forwarded activity through ``dispatch`` (receive's), once confirmed."""
    try:
        checked, actor = await confirmed(db, config, activity)
    except NotTaken as exc:
        log.info("forwarded activity %s not taken: %s", activity.get("id"), exc)
        return
    await dispatch(db, config, checked, actor)
