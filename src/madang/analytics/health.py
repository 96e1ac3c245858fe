"""Account health: every organisation and verified account is checked for a long silence, words
its profile should not carry any more (the mayor still "후보"), and a missing avatar.

Each finding over its threshold opens one alert (at most one open per account and kind); the
office admins get one notification for it, and no other while it stays open; the next check
after it is fixed resolves it, and it is raised (and notified) again if it comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.counting import tracked_clause
from madang.analytics.days import local_day
from madang.analytics.notices import notify_admins
from madang.core.settings import Settings
from madang.models import Account
from madang.models.analytics import HealthAlert

KIND_LABELS = {"silent": "오랫동안 글이 없음", "profile_word": "프로필에 지난 표현", "no_avatar": "프로필 사진 없음"}


@dataclass(frozen=True)
class HealthRules:
    silent_days: int = 14
    profile_words: tuple[str, ...] = ("후보", "예비후보", "당선인")
    time_zone: str = "Asia/Seoul"

    @classmethod
    def of(cls, settings: Settings) -> HealthRules:
        return cls(settings.health_silent_days, split_words(settings.health_profile_words), settings.time_zone)


def split_words(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip() for w in value.split(",") if w.strip()))


def profile_text(account: Account) -> str:
    parts = [account.display_name or "", account.note or ""]
    for f in account.fields or []:
        if isinstance(f, dict):
            parts += [str(f.get("name", "")), str(f.get("value", ""))]
    return "\n".join(parts)


def words_found(text: str, words: tuple[str, ...]) -> list[str]:
    """The listed words in ``text`` (Latin case-folded; Hangul as substrings, as Korean has no
    spaces before its particles: "후보입니다"), without one that is part of another found."""
    folded = text.casefold()
    found = [w for w in words if w.casefold() in folded]
    return [w for w in found if not any(w != o and w.casefold() in o.casefold() for o in found)]


def findings(account: Account, *, today: date, rules: HealthRules) -> dict[str, str]:
    """kind -> detail (days silent; the words found; nothing for a missing avatar)."""
    tz = ZoneInfo(rules.time_zone)
    out: dict[str, str] = {}
    last = account.last_status_at or local_day(account.created_at, tz)
    silent = (today - last).days
    if silent >= rules.silent_days:
        out["silent"] = str(silent)
    words = words_found(profile_text(account), rules.profile_words)
    if words:
        out["profile_word"] = ", ".join(words)
    if not account.avatar_path:
        out["no_avatar"] = ""
    return out


@dataclass
class CheckResult:
    raised: list[HealthAlert] = field(default_factory=list)
    resolved: list[HealthAlert] = field(default_factory=list)
    notified: list[HealthAlert] = field(default_factory=list)


async def check_accounts(session: AsyncSession, *, now: datetime, settings: Settings) -> CheckResult:
    from madang.statuses.create import Site

    return await check_with_rules(session, now=now, rules=HealthRules.of(settings),
                                  mail_base_url=Site.of(settings).base_url if settings.smtp_url else None)


async def check_with_rules(session: AsyncSession, *, now: datetime, rules: HealthRules,
                           mail_base_url: str | None = None) -> CheckResult:
    """Raise, update and resolve alerts, then notify the office admins of the ones not told yet
    (by e-mail as well when ``mail_base_url`` is given: mail is configured)."""
    today = local_day(now, ZoneInfo(rules.time_zone))
    result = CheckResult()
    open_alerts = {(a.account_id, a.kind): a for a in await session.scalars(
        select(HealthAlert).where(HealthAlert.resolved_at.is_(None)))}
    checked: set[tuple[int, str]] = set()
    # Not ordered in SQL: ORDER BY id would walk the primary key index over every account.
    for account in sorted(await session.scalars(select(Account).where(tracked_clause())), key=lambda a: a.id):
        for kind, detail in findings(account, today=today, rules=rules).items():
            checked.add((account.id, kind))
            alert = open_alerts.get((account.id, kind))
            if alert is None:
                alert = HealthAlert(account_id=account.id, kind=kind, detail=detail, raised_at=now)
                session.add(alert)
                open_alerts[(account.id, kind)] = alert
                result.raised.append(alert)
            elif alert.detail != detail:
                alert.detail = detail  # 41 days silent becomes 42: the same alert
    for key, alert in open_alerts.items():
        if key not in checked:  # fixed, or no longer an organisation or verified account
            alert.resolved_at = now
            result.resolved.append(alert)
    await session.flush()
    waiting = [a for a in open_alerts.values() if a.resolved_at is None and a.notified_at is None]
    if waiting and await notify_admins(session, waiting, now=now, mail_base_url=mail_base_url):
        for alert in waiting:
            alert.notified_at = now
        result.notified = waiting
        await session.flush()
    return result


async def open_alert_count(session: AsyncSession) -> int:
    """Open alerts, for the office landing page."""
    return int(await session.scalar(select(func.count()).select_from(HealthAlert).where(
        HealthAlert.resolved_at.is_(None))) or 0)
