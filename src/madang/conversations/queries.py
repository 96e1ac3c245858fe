"""Reading and tidying one's conversations, and the direct timeline."""

from __future__ import annotations

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import hidden_account_ids_query, not_on_blocked_domain
from madang.core.errors import NotFound
from madang.db.paging import Page, fetch_page
from madang.models import AccountConversation, Mention, Status


async def list_conversations(session: AsyncSession, *, account_id: int, page: Page) -> list[AccountConversation]:
    """Newest activity first; the cursors are last status ids, as Mastodon pages them. A
    conversation whose last status comes from a server the owner blocked is left out."""
    from_blocked_server = exists().where(Status.id == AccountConversation.last_status_id,
                                         ~not_on_blocked_domain(account_id, Status.account_id))
    stmt = select(AccountConversation).where(AccountConversation.account_id == account_id, ~from_blocked_server)
    return await fetch_page(session, stmt, AccountConversation.last_status_id, page)


async def get_conversation(session: AsyncSession, *, account_id: int, conversation_id: int) -> AccountConversation:
    """Someone else's conversation answers as a missing one."""
    row = await session.scalar(select(AccountConversation).where(
        AccountConversation.id == conversation_id, AccountConversation.account_id == account_id))
    if row is None:
        raise NotFound("Record not found")
    return row


async def mark_conversation_read(session: AsyncSession, *, account_id: int,
                                 conversation_id: int) -> AccountConversation:
    row = await get_conversation(session, account_id=account_id, conversation_id=conversation_id)
    row.unread = False
    await session.flush()
    return row


async def remove_conversation(session: AsyncSession, *, account_id: int, conversation_id: int) -> None:
    """Gone from the owner's list only; the statuses and the others' conversations stay.
    A new direct status among the same people brings it back."""
    row = await get_conversation(session, account_id=account_id, conversation_id=conversation_id)
    await session.execute(delete(AccountConversation).where(AccountConversation.id == row.id)
                          .execution_options(synchronize_session=False))
    await session.flush()


async def list_direct_timeline(session: AsyncSession, *, viewer_id: int, page: Page) -> list[Status]:
    """Direct statuses the viewer wrote or was mentioned in, newest first."""
    addressed = exists().where(Mention.status_id == Status.id, Mention.account_id == viewer_id)
    stmt = select(Status).where(
        Status.visibility == "direct", Status.deleted_at.is_(None), or_(Status.account_id == viewer_id, addressed),
        Status.account_id.not_in(hidden_account_ids_query(viewer_id)),
        not_on_blocked_domain(viewer_id, Status.account_id))
    return await fetch_page(session, stmt, Status.id, page)
