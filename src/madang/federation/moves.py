"""A remote account moved (Move{object: old, target: new}; decision 0042), as Mastodon takes it:
the new account is fetched from its own origin and must list the old one in ``alsoKnownAs``;
then the old account is marked moved (``moved`` in the API) and each local follower of the old
account follows the new one (a request where it must be accepted, as every remote follow is
until its Accept) and stops following the old one. Going out (a local account moving) is not
done here."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from madang.accounts.follows import follow_account, unfollow_account
from madang.core.errors import Forbidden, Invalid
from madang.federation import fetching
from madang.federation.config import FederationConfig
from madang.federation.parse import ParseError, first_id, parse_actor
from madang.federation.resolve import NotResolved, fetch_object, store_actor
from madang.models import Account, Follow

log = logging.getLogger(__name__)


async def receive_move(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    old_uri = first_id(activity.get("object"))
    new_uri = first_id(activity.get("target"))
    if old_uri != actor.uri or not new_uri or new_uri == old_uri:
        log.info("Move %s refused: an actor moves only itself, to another actor", activity.get("id"))
        return
    if config.is_local(new_uri):
        log.info("Move %s to a local account refused: local accounts have no aliases here", activity.get("id"))
        return
    try:
        document = await fetch_object(db, config, new_uri)  # from its own origin, never embedded
        remote = parse_actor(document)
    except (NotResolved, fetching.FetchError, ParseError) as exc:
        log.info("Move %s: the new account could not be read: %s", activity.get("id"), exc)
        return
    if actor.uri not in remote.also_known_as or remote.suspended:
        log.info("Move %s refused: %s does not name %s in alsoKnownAs", activity.get("id"), new_uri, actor.uri)
        return
    target = await store_actor(db, remote)
    if target.suspended_at is not None:
        return
    async with db.write() as session:
        old = await session.get(Account, actor.id)
        new = await session.get(Account, target.id)
        if old is None or new is None:
            return
        if old.moved_to_account_id == new.id:
            return  # a redelivered Move changes nothing
        old.moved_to_account_id = new.id
        follows = list(await session.execute(
            select(Follow.account_id, Follow.show_reblogs, Follow.notify).join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id == old.id, Account.domain.is_(None))))
        for follower_id, reblogs, notify in follows:
            follower = await session.get(Account, follower_id)
            if follower is None or follower.suspended_at is not None:
                continue
            try:
                await follow_account(session, account=follower, target=new, reblogs=reblogs, notify=notify)
            except (Forbidden, Invalid) as exc:  # blocked either way: the old follow stays
                log.info("move of %s's follow to %s skipped: %s", follower.acct, new.acct, exc)
                continue
            await unfollow_account(session, account=follower, target=old)
