"""Creating, reading, changing and removing the push subscription of an access token."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import NotFound
from madang.core.ids import new_id
from madang.models import AccessToken
from madang.models.push import WebPushSubscription
from madang.push.config import PushConfig
from madang.push.rules import (
    ALERT_TYPES,
    check_auth,
    check_endpoint,
    check_p256dh,
    check_policy,
)


def _alerts(given: Mapping[str, bool]) -> dict[str, bool]:
    # Unknown names are dropped, as Rails' permitted parameters drop them on Mastodon.
    return {name: bool(given[name]) for name in ALERT_TYPES if name in given}


async def create_subscription(
    session: AsyncSession, *, config: PushConfig, account_id: int, access_token_id: int, access_token: str,
    endpoint: str | None, p256dh: str | None, auth: str | None, standard: bool = False,
    alerts: Mapping[str, bool] | None = None, policy: str | None = None,
) -> WebPushSubscription:
    """Subscribe the token, replacing its earlier subscription (one per token, as Mastodon)."""
    endpoint = check_endpoint(endpoint, allow_loopback=config.allow_loopback)
    key_p256dh, key_auth, policy = check_p256dh(p256dh), check_auth(auth), check_policy(policy)
    # Two creates for one token at once would both find nothing to replace and then clash
    # on the unique token column: the token's row lock puts them one after the other
    # (PostgreSQL; SQLite's single writer already does).
    await session.execute(select(AccessToken.id).where(AccessToken.id == access_token_id).with_for_update())
    await session.execute(delete(WebPushSubscription).where(WebPushSubscription.access_token_id == access_token_id))
    now = utcnow()
    row = WebPushSubscription(
        id=new_id(), account_id=account_id, access_token_id=access_token_id, endpoint=endpoint,
        key_p256dh=key_p256dh, key_auth=key_auth, standard=standard, alerts=_alerts(alerts or {}),
        policy=policy, sealed_token=config.seal(access_token), created_at=now, updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def find_subscription(session: AsyncSession, *, access_token_id: int) -> WebPushSubscription | None:
    return await session.scalar(
        select(WebPushSubscription).where(WebPushSubscription.access_token_id == access_token_id))


async def get_subscription(session: AsyncSession, *, access_token_id: int) -> WebPushSubscription:
    row = await find_subscription(session, access_token_id=access_token_id)
    if row is None:
        raise NotFound("Record not found")
    return row


async def update_subscription(
    session: AsyncSession, *, access_token_id: int, alerts: Mapping[str, bool] | None = None,
    policy: str | None = None,
) -> WebPushSubscription:
    """Replace what the subscription wants (alerts and policy), as Mastodon's update does:
    alerts not named are off afterwards."""
    policy = check_policy(policy)
    row = await get_subscription(session, access_token_id=access_token_id)
    row.alerts = _alerts(alerts or {})
    row.policy = policy
    row.updated_at = utcnow()
    await session.flush()
    return row


async def delete_subscription(session: AsyncSession, *, access_token_id: int) -> None:
    """Idempotent: deleting what is not there is not an error (Mastodon answers {})."""
    await session.execute(delete(WebPushSubscription).where(WebPushSubscription.access_token_id == access_token_id))
