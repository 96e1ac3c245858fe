"""What deciding a status event's recipients needs to know, loaded in a few small queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models import Mention, Status, StatusTag, Tag


@dataclass(frozen=True)
class StatusFacts:
    status: Status  # the event's row: a post, or a boost
    post: Status  # the post itself: the boost's original, or ``status``
    mention_ids: frozenset[int]
    tag_keys: frozenset[str]

    @property
    def is_boost(self) -> bool:
        return self.post is not self.status

    @property
    def account_ids(self) -> set[int]:
        """Accounts whose relationship with a viewer decides delivery."""
        ids = {self.status.account_id, self.post.account_id}
        if self.post.in_reply_to_account_id is not None:
            ids.add(self.post.in_reply_to_account_id)
        return ids


async def load_status_facts(session: AsyncSession, status_id: int) -> StatusFacts | None:
    status = await session.get(Status, status_id)
    if status is None:
        return None
    post = status
    if status.reblog_of_id is not None:
        post = await session.get(Status, status.reblog_of_id)
        if post is None:
            return None
    mentions = await session.scalars(select(Mention.account_id).where(Mention.status_id == post.id))
    tags = await session.scalars(select(Tag.key).join(StatusTag, StatusTag.tag_id == Tag.id)
                                 .where(StatusTag.status_id == post.id))
    return StatusFacts(status=status, post=post, mention_ids=frozenset(mentions), tag_keys=frozenset(tags))
