"""How many service requests one Open311 API key may post in a while (issue 13: three long
requests in a row slowed the public list). Counted from the requests written, so every process
sees the same count and the clock is the application's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import RateLimited
from madang.models.open311 import ApiKey, ServiceRequest

WINDOW = timedelta(minutes=5)
# A city's app posts for all its citizens under one key: generous, but a script is held back.
PER_KEY = 120


async def check_key_rate(session: AsyncSession, key: ApiKey) -> None:
    since = utcnow() - WINDOW
    recent = list(await session.scalars(
        select(ServiceRequest.requested_at).where(ServiceRequest.api_key_id == key.id,
                                                  ServiceRequest.requested_at > since)
        .order_by(ServiceRequest.requested_at).limit(PER_KEY)))
    if len(recent) >= PER_KEY:
        wait = recent[0] + WINDOW - utcnow()
        raise RateLimited(f"이 api_key로 {int(WINDOW.total_seconds() // 60)}분 동안 보낼 수 있는 요청 "
                          f"{PER_KEY}건을 넘었습니다. 잠시 뒤에 다시 보내 주세요",
                          retry_after=max(1, int(wait.total_seconds()) + 1))
