"""The health check job: runs the account health check every hour (a fixed profile is resolved
within the hour), with the thresholds of the settings it was started with."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.analytics.health import HealthRules, check_with_rules
from madang.core.clock import utcnow
from madang.core.settings import Settings
from madang.jobs import enqueue, handler
from madang.models import Job

JOB = "analytics.health_check"
EVERY = timedelta(hours=1)


def _payload(settings: Settings) -> dict:
    from madang.statuses.create import Site

    rules = asdict(HealthRules.of(settings))
    rules["profile_words"] = list(rules["profile_words"])
    return {"rules": rules, "mail_base_url": Site.of(settings).base_url if settings.smtp_url else None}


async def schedule_health_checks(session: AsyncSession, *, settings: Settings) -> bool:
    """Start the hourly chain unless it is waiting already; a waiting run takes the current
    settings (a restart after changing the word list applies it at the next run)."""
    payload = _payload(settings)
    if await _waiting(session, "pending", "running"):
        await session.execute(update(Job).where(Job.name == JOB, Job.state == "pending").values(payload=payload))
        return False
    await enqueue(session, JOB, payload)
    await session.flush()
    return True


@handler(JOB)
async def run_health_check(session: AsyncSession, payload: dict) -> None:
    raw = payload.get("rules") or {}
    rules = HealthRules(int(raw.get("silent_days", 14)), tuple(raw.get("profile_words", ())),
                        raw.get("time_zone", "Asia/Seoul"))
    await check_with_rules(session, now=utcnow(), rules=rules, mail_base_url=payload.get("mail_base_url"))
    if not await _waiting(session, "pending"):
        await enqueue(session, JOB, payload, run_at=utcnow() + EVERY)


async def _waiting(session: AsyncSession, *states: str) -> bool:
    return bool(await session.scalar(select(exists().where(Job.name == JOB, Job.state.in_(states)))))
