"""A citizen deleting their own account: their posts go, the account stays as a tombstone.

The account row is kept, suspended and emptied, so its id never resolves to someone else
and its username stays taken; the login (User, with the e-mail address) is removed. An
organisation's posts are public records of the city: only an administrator deletes such
an account, never its own user. Everything happens in the caller's one transaction; the
media files go by a job once it commits."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import get_account, unfollow_account, verify_password
from madang.accounts.follows import remove_follow
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.jobs import enqueue
from madang.media.file_removal import remove_files_later
from madang.media.storage import MediaStore
from madang.models import (AccessToken, Account, Block, Bookmark, Favourite, Follow, FollowRequest, HomeFeedEntry,
                           MediaAttachment, Mute, Notification, Status, User, WebPushSubscription)
from madang.models import AccountConversation, FeaturedTag, Filter, List, ScheduledStatus
from madang.statuses.delete import delete_status
from madang.statuses.interactions import unfavourite_status, unreblog_status

ORGANISATION_REFUSED = "Organisation accounts are deleted by an administrator"


async def check_deletable(session: AsyncSession, *, account_id: int) -> Account:
    account = await get_account(session, account_id)
    if account.organisation:
        raise Forbidden(ORGANISATION_REFUSED)
    return account


async def delete_own_account(session: AsyncSession, *, account_id: int, password: str, typed_username: str,
                             store: MediaStore) -> list[str]:
    """Returns the hashes of the tokens that stopped working (to drop from caches)."""
    account = await check_deletable(session, account_id=account_id)
    user = await session.scalar(select(User).where(User.account_id == account_id))
    if user is None:
        raise NotFound("Record not found")
    if not verify_password(user.password_hash, password):
        raise Invalid("Password is not correct", field="password")
    if typed_username.strip().lstrip("@").lower() != account.username.lower():
        raise Invalid("The username typed does not match", field="username")
    # Other servers hear once, before the follows that name them go: a Delete of the actor.
    inboxes = await _remote_inboxes(session, account.id)
    if inboxes:
        await enqueue(session, "federation.account_deleted", {"account_id": account.id, "inboxes": inboxes})
    await _remove_posts(session, account)
    await _remove_marks(session, account)
    await _remove_relationships(session, account)
    # What only the owner ever saw (drafts waiting to be posted, lists, filters) goes too.
    for model in (ScheduledStatus, List, Filter, AccountConversation, FeaturedTag):
        await session.execute(delete(model).where(model.account_id == account.id))
    keys = await _remove_media(session, account)
    revoked = list(await session.scalars(select(AccessToken.token_hash).where(
        AccessToken.account_id == account.id, AccessToken.revoked_at.is_(None))))
    await session.execute(update(AccessToken).where(AccessToken.account_id == account.id,
                                                    AccessToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    await session.execute(delete(WebPushSubscription).where(WebPushSubscription.account_id == account.id))
    await session.execute(delete(Notification).where(
        (Notification.account_id == account.id) | (Notification.from_account_id == account.id)))
    await session.execute(delete(HomeFeedEntry).where(HomeFeedEntry.account_id == account.id))
    await session.execute(delete(User).where(User.id == user.id))
    _tombstone(account)
    await remove_files_later(session, store=store, keys=keys)
    await session.flush()
    return revoked


async def _remote_inboxes(session: AsyncSession, account_id: int) -> list[str]:
    """Inboxes of the remote accounts that follow, or are followed by, the account."""
    rows = await session.execute(
        select(Account.shared_inbox_url, Account.inbox_url)
        .join(Follow, (Follow.account_id == Account.id) | (Follow.target_account_id == Account.id))
        .where(Account.domain.is_not(None), Account.id != account_id,
               (Follow.account_id == account_id) | (Follow.target_account_id == account_id)))
    return sorted({shared or inbox for shared, inbox in rows if shared or inbox})


async def _remove_posts(session: AsyncSession, account: Account) -> None:
    # Boosts are pointers to others' posts: undone, as the boost button would.
    for boost in list(await session.scalars(select(Status).where(
            Status.account_id == account.id, Status.reblog_of_id.is_not(None)))):
        await unreblog_status(session, account=account, status=boost)
    for status in list(await session.scalars(select(Status).where(
            Status.account_id == account.id, Status.reblog_of_id.is_(None), Status.deleted_at.is_(None)))):
        await delete_status(session, actor=account, status=status)


async def _remove_marks(session: AsyncSession, account: Account) -> None:
    for status in list(await session.scalars(select(Status).join(Favourite, Favourite.status_id == Status.id)
                                             .where(Favourite.account_id == account.id))):
        await unfavourite_status(session, account=account, status=status)
    await session.execute(delete(Bookmark).where(Bookmark.account_id == account.id))


async def _remove_relationships(session: AsyncSession, account: Account) -> None:
    for target in list(await session.scalars(select(Account).join(Follow, Follow.target_account_id == Account.id)
                                             .where(Follow.account_id == account.id))):
        await unfollow_account(session, account=account, target=target)
    for follower in list(await session.scalars(select(Account).join(Follow, Follow.account_id == Account.id)
                                               .where(Follow.target_account_id == account.id))):
        await remove_follow(session, follower=follower, target=account)
    for model in (FollowRequest, Block, Mute):
        await session.execute(delete(model).where(
            (model.account_id == account.id) | (model.target_account_id == account.id)))


async def _remove_media(session: AsyncSession, account: Account) -> list[str]:
    rows = (await session.execute(delete(MediaAttachment).where(MediaAttachment.account_id == account.id)
                                  .returning(MediaAttachment.file_key, MediaAttachment.small_key)
                                  .execution_options(synchronize_session=False))).all()
    keys = [key for row in rows for key in row]
    keys += [path for path in (account.avatar_path, account.header_path) if path]
    return keys


def _tombstone(account: Account) -> None:
    now = utcnow()
    account.suspended_at = now
    account.display_name = ""
    account.note = account.note_html = ""
    account.fields = []
    account.avatar_path = account.header_path = None
    account.discoverable = account.indexable = False
    account.locked = True
    account.updated_at = now
