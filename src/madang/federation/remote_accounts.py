"""Remote actors as account rows: made or refreshed from a parsed actor document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.federation.domain_policy import is_silenced
from madang.federation.parse import RemoteActor
from madang.models import Account

USERNAME_MAX = 100


async def find_account_by_uri(session: AsyncSession, uri: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.uri == uri))


async def find_account_by_key_id(session: AsyncSession, key_id: str) -> Account | None:
    account = await session.scalar(select(Account).where(Account.public_key_id == key_id))
    if account is None:
        # Mastodon's key ids are the actor id with #main-key: an actor fetched under its id.
        account = await find_account_by_uri(session, key_id.split("#", 1)[0])
    return account


def _apply(account: Account, actor: RemoteActor) -> None:
    account.display_name = (actor.display_name or "")[:100]
    account.note_html = actor.note_html or ""
    account.note = ""
    account.fields = [{"name": name[:255], "value": value} for name, value in (actor.fields or [])][:16]
    account.locked = bool(actor.locked)
    account.bot = bool(actor.bot)
    account.discoverable = bool(actor.discoverable)
    account.indexable = bool(actor.indexable)
    account.url = actor.url or actor.uri
    account.actor_type = (actor.actor_type or "Person")[:20]
    account.inbox_url = actor.inbox
    account.shared_inbox_url = actor.shared_inbox
    account.outbox_url = actor.outbox
    account.followers_url = actor.followers
    account.featured_url = actor.featured
    account.public_key_id = actor.public_key_id
    account.public_key_pem = actor.public_key_pem
    account.avatar_remote_url = actor.avatar_url
    account.header_remote_url = actor.header_url
    # Until a job caches them here, remote images are linked (the serializers take absolute URLs).
    account.avatar_path = actor.avatar_url
    account.header_path = actor.header_url
    account.fetched_at = utcnow()
    account.updated_at = utcnow()


async def upsert_remote_account(session: AsyncSession, actor: RemoteActor) -> Account:
    """The account row of ``actor``: refreshed when known by id, else made. A handle that
    moved to a new actor id on the same server takes the new id (the server re-created it)."""
    account = await find_account_by_uri(session, actor.uri)
    if account is None:
        key = f"{actor.username}@{actor.domain}".lower()
        account = await session.scalar(select(Account).where(Account.acct_key == key))
        if account is not None and account.domain != actor.domain:
            account = None
        if account is not None:
            account.uri = actor.uri
    if account is None:
        now = utcnow()
        account = Account(id=new_id(), username=actor.username[:USERNAME_MAX], domain=actor.domain,
                          acct_key=f"{actor.username}@{actor.domain}".lower(), uri=actor.uri,
                          created_at=actor.published or now, updated_at=now)
        session.add(account)
    _apply(account, actor)
    if actor.suspended and account.suspended_at is None:
        account.suspended_at = utcnow()
    if account.limited_at is None and await is_silenced(session, actor.domain):
        account.limited_at = utcnow()  # a limited server's accounts arrive limited
    await session.flush()
    return account


async def remove_remote_account(session: AsyncSession, account: Account) -> None:
    """The actor was deleted on its server: its follows go and it is suspended here (its rows
    stay, as Mastodon keeps a deleted remote account's username taken)."""
    from sqlalchemy import delete

    from madang.accounts.follows import remove_follow
    from madang.models import Follow, FollowRequest

    for follow in list(await session.scalars(select(Follow).where(
            (Follow.account_id == account.id) | (Follow.target_account_id == account.id)))):
        follower = await session.get(Account, follow.account_id)
        target = await session.get(Account, follow.target_account_id)
        if follower is not None and target is not None:
            await remove_follow(session, follower=follower, target=target)
    await session.execute(delete(FollowRequest).where(
        (FollowRequest.account_id == account.id) | (FollowRequest.target_account_id == account.id)))
    account.suspended_at = account.suspended_at or utcnow()
    await session.flush()
