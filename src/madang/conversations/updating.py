"""Keeping conversations current as direct statuses arrive (the ``conversations.add_status`` job).

create_status enqueues the job for every direct status. Each local participant (the author
and every mentioned account) gets one conversation per set of other participants; the
status becomes its last one, unread for everyone but the author. Idempotent: a conversation
only moves forward to a newer status, so running the job twice changes nothing more.
Each conversation that moved is announced after commit (a ``conversation`` event for the
owner's ``direct`` streams, as Mastodon sends it); a repeated run moves none, so announces none.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.policies import blocked_account_ids, on_blocked_domain
from madang.core.clock import utcnow
from madang.events import publish
from madang.jobs import handler
from madang.models import Account, AccountConversation, Mention, Status
from madang.models.account_domain_blocks import AccountDomainBlock

ADD_STATUS_JOB = "conversations.add_status"
CONVERSATION_EVENT = "conversation"  # the event's type, and Mastodon's streaming event name


def conversation_event(conversation_id: int, owner_id: int) -> dict:
    return {"type": CONVERSATION_EVENT, "id": conversation_id, "account_id": owner_id}


def participants_key(others: list[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(set(others))).encode()).hexdigest()


async def add_direct_status(session: AsyncSession, status: Status) -> int:
    """Put ``status`` in its participants' conversations; returns how many were touched."""
    if status.visibility != "direct" or status.deleted_at is not None:
        return 0
    mentioned = set(await session.scalars(select(Mention.account_id).where(Mention.status_id == status.id)))
    everyone = mentioned | {status.account_id}
    local = set(await session.scalars(select(Account.id).where(Account.id.in_(everyone), Account.domain.is_(None))))
    # Who blocks the author (or is blocked) was not addressed in any way that shows.
    local -= await blocked_account_ids(session, status.account_id)
    # Nor who blocked the author's server (a remote author only: one probe of their blocks).
    author = await session.get(Account, status.account_id)
    if author is not None and author.domain is not None and local:
        local -= set(await session.scalars(select(AccountDomainBlock.account_id).where(
            AccountDomainBlock.account_id.in_(local), on_blocked_domain(AccountDomainBlock.domain, author.domain))))
    now = utcnow()
    touched: list[AccountConversation] = []
    for owner in sorted(local):
        others = sorted(everyone - {owner})
        key = participants_key(others)
        row = await session.scalar(select(AccountConversation).where(
            AccountConversation.account_id == owner, AccountConversation.participants_key == key))
        if row is None:
            row = AccountConversation(account_id=owner, participants_key=key, participant_ids=others,
                                      last_status_id=status.id, unread=owner != status.account_id, updated_at=now)
            session.add(row)
        elif row.last_status_id < status.id:
            row.last_status_id, row.updated_at = status.id, now
            row.unread = owner != status.account_id
        else:
            continue
        touched.append(row)
    await session.flush()
    for row in touched:
        publish(session, conversation_event(row.id, row.account_id))
    return len(touched)


@handler(ADD_STATUS_JOB)
async def run_add_status(session: AsyncSession, payload: dict) -> None:
    status = await session.get(Status, int(payload["status_id"]))
    if status is not None:
        await add_direct_status(session, status)
