"""Setting up subscribers: an account, its access token and a push subscription."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from madang import push
from madang.auth.tokens import issue_token
from madang.db import Database
from madang.models import Account, Job
from madang.models.push import WebPushSubscription
from madang.push.rules import ALERT_TYPES
from tests.accounts.factories import make_account
from tests.push.conftest import CONFIG
from tests.push.receiver import ClientKeys, PushReceiver

ALL_ON = {name: True for name in ALERT_TYPES}


@dataclass
class Subscriber:
    account: Account
    token: str
    token_id: int
    subscription_id: int
    keys: ClientKeys


async def subscribe(db: Database, receiver: PushReceiver, *, path: str = "/push/phone-1",
                    standard: bool = True, alerts: dict[str, bool] | None = None, policy: str = "all",
                    **account: Any) -> Subscriber:
    keys = ClientKeys()
    async with db.write() as s:
        who = await make_account(s, **account)
        issued = await issue_token(s, application=None, account=who, scopes=["read", "push"])
        row = await push.create_subscription(
            s, config=CONFIG, account_id=who.id, access_token_id=issued.row.id, access_token=issued.token,
            endpoint=receiver.url(path), p256dh=keys.p256dh, auth=keys.auth_b64, standard=standard,
            alerts=ALL_ON if alerts is None else alerts, policy=policy)
    return Subscriber(who, issued.token, issued.row.id, row.id, keys)


async def subscription_exists(db: Database, subscription_id: int) -> bool:
    async with db.read() as s:
        return await s.get(WebPushSubscription, subscription_id) is not None


async def jobs_named(db: Database, name: str) -> list[Job]:
    async with db.read() as s:
        rows = list(await s.scalars(select(Job).where(Job.name == name).order_by(Job.id)))
        s.expunge_all()
        return rows


async def count_subscriptions(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(WebPushSubscription)) or 0)
