"""Telling the office admins about new health alerts: a web notification of madang's own type
(the Mastodon API leaves it out, as clients break on unknown types), and an e-mail when mail
is configured.

Recipients: the office admins (desk role office_admin) of every organisation with a desk — a
small city has one — since the accounts checked (the mayor's among them) belong to no desk;
an instance without any office admin falls back to its instance admins, so no alert goes
unheard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.desk.organisations import ADMIN
from madang.mail import send_mail
from madang.models import Account, Notification, User
from madang.models.analytics import HealthAlert
from madang.models.desk import StaffMember
from madang.text.particles import particle

NOTIFICATION_TYPE = "madang.health"


async def recipient_ids(session: AsyncSession) -> list[int]:
    ids = set(await session.scalars(select(StaffMember.account_id).where(StaffMember.role.in_(ADMIN))))
    if not ids:
        ids = set(await session.scalars(select(User.account_id).where(User.admin.is_(True),
                                                                      User.disabled.is_(False))))
    return sorted(ids)


def describe_alert(alert: HealthAlert) -> str:
    if alert.kind == "silent":
        return f"{alert.detail}일째 글이 없습니다"
    if alert.kind == "profile_word":
        return f"프로필에 '{alert.detail}'{particle(alert.detail, '이/가')} 남아 있습니다"
    return "프로필 사진이 없습니다"


async def notify_admins(session: AsyncSession, alerts: Sequence[HealthAlert], *, now: datetime,
                        mail_base_url: str | None = None) -> bool:
    """One notification per alert and recipient (idempotent by the alert's id); False when there
    is nobody to tell yet (the alerts stay un-notified and are told on a later check)."""
    recipients = await recipient_ids(session)
    if not recipients:
        return False
    rows = [{"id": new_id(), "account_id": r, "from_account_id": a.account_id, "type": NOTIFICATION_TYPE,
             "activity_id": a.id, "status_id": None, "created_at": now} for a in alerts for r in recipients]
    # Written directly rather than through notifications.notify: that would publish the
    # notification to the Mastodon streaming API and push, whose clients do not know the type.
    await session.execute(insert_ignore(session, Notification.__table__).values(rows))
    if mail_base_url:
        await _mail(session, alerts, recipients, mail_base_url)
    return True


async def _mail(session: AsyncSession, alerts: Sequence[HealthAlert], recipients: list[int], base_url: str) -> None:
    names = dict((await session.execute(select(Account.id, Account.username).where(
        Account.id.in_({a.account_id for a in alerts})))).all())
    lines = [f"- @{names.get(a.account_id, '?')}: {describe_alert(a)}" for a in alerts]
    body = ("다음 계정의 점검이 필요합니다.\n\n" + "\n".join(lines)
            + f"\n\n계정 점검 화면: {base_url}/office/health\n")
    for email in await session.scalars(select(User.email).where(User.account_id.in_(recipients),
                                                                User.disabled.is_(False))):
        await send_mail(session, to=email, subject=f"[계정 점검] 새 알림 {len(alerts)}건", body=body)
