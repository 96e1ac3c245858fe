"""Whether an account's changes must go out over federation: one probe of a partial index."""

from __future__ import annotations

from sqlalchemy import bindparam, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.fast_select import FastSelect
from madang.models import Follow

_REMOTE = FastSelect(select(Follow.id).where(Follow.target_account_id == bindparam("account_id"),
                                            Follow.remote == true()).limit(1), name="RemoteFollowerRow")


async def has_remote_followers(session: AsyncSession, account_id: int) -> bool:
    return await _REMOTE.first(session, {"account_id": account_id}) is not None
