"""Account health on the demo city, on both databases: the mayor (bio still "후보", silent for
41 days, no photo) is flagged; the office admin is told once; fixing the bio resolves that
alert, and putting the word back raises and tells it again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from madang.accounts.profiles import update_profile
from madang.analytics.health import HealthRules, check_accounts, findings, open_alert_count, words_found
from madang.analytics.notices import NOTIFICATION_TYPE
from madang.app import register_jobs
from madang.core import clock as clock_module
from madang.core.clock import FrozenClock, set_clock
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.city import CITY_USERNAME, MAYOR_USERNAME
from madang.demo.loader import load_demo
from madang.desk.organisations import add_staff, get_organisation
from madang.models import Account, Job, Notification
from madang.models.analytics import HealthAlert
from tests.factories import make_account

# The demo's "today": 20 July 2010, 23:30 in Seoul.
TODAY = datetime(2010, 7, 20, 14, 30, tzinfo=timezone.utc)


@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[FrozenClock]:
    real = clock_module.clock
    frozen = FrozenClock(TODAY)
    set_clock(frozen)
    try:
        yield frozen
    finally:
        set_clock(real)


async def account(db: Database, username: str) -> Account:
    async with db.read() as s:
        return await s.scalar(select(Account).where(Account.acct_key == username))


async def health_notifications(db: Database, recipient: Account) -> list[tuple[int, int]]:
    async with db.read() as s:
        return [tuple(r) for r in await s.execute(  # type: ignore[misc]
            select(Notification.from_account_id, Notification.activity_id)
            .where(Notification.account_id == recipient.id, Notification.type == NOTIFICATION_TYPE)
            .order_by(Notification.id))]


async def alerts_of(db: Database, who: Account) -> dict[str, HealthAlert]:
    """The account's open alerts by kind."""
    async with db.read() as s:
        return {a.kind: a for a in await s.scalars(select(HealthAlert).where(
            HealthAlert.account_id == who.id, HealthAlert.resolved_at.is_(None)))}


async def check(db: Database, settings: Settings, now: datetime):  # type: ignore[no-untyped-def]
    async with db.write() as s:
        return await check_accounts(s, now=now, settings=settings)


async def test_the_demo_mayor_is_flagged_and_the_office_admin_told_once(db: Database, clock: FrozenClock) -> None:
    register_jobs()
    settings = Settings(database_url=db.url, host="127.0.0.1", port=8000)
    await load_demo(db, settings, today=TODAY)
    async with db.write() as s:
        chief = await make_account(s, username="office_chief")
        await add_staff(s, organisation=await get_organisation(s, CITY_USERNAME), account=chief, role="office_admin")
    mayor, triager = await account(db, MAYOR_USERNAME), await account(db, "dongwook_seo")

    result = await check(db, settings, TODAY)
    alerts = await alerts_of(db, mayor)
    assert set(alerts) == {"silent", "profile_word", "no_avatar"}
    assert alerts["silent"].detail == "41" and alerts["profile_word"].detail == "후보"
    told = await health_notifications(db, chief)
    assert sorted(t for t in told if t[0] == mayor.id) == sorted((mayor.id, a.id) for a in alerts.values())
    assert await health_notifications(db, triager) == []  # a triager is not an office admin
    async with db.read() as s:
        opened = await open_alert_count(s)
    assert opened == len(result.raised) >= 3

    # The next check, a day later: the same alerts (42 days now), nobody told again.
    clock.advance(days=1)
    again = await check(db, settings, clock.now())
    assert again.raised == [] and again.notified == []
    assert (await alerts_of(db, mayor))["silent"].detail == "42"
    assert await health_notifications(db, chief) == told

    # The mayor's office fixes the bio: that alert is resolved, the others stay.
    async with db.write() as s:
        await update_profile(s, await s.get(Account, mayor.id), note="안양시장 최대호입니다")
    fixed = await check(db, settings, clock.now())
    assert [(a.account_id, a.kind) for a in fixed.resolved] == [(mayor.id, "profile_word")]
    assert set(await alerts_of(db, mayor)) == {"silent", "no_avatar"}
    assert await health_notifications(db, chief) == told

    # It comes back: a new alert, told once more.
    async with db.write() as s:
        await update_profile(s, await s.get(Account, mayor.id), note="안양시장 예비후보 최대호")
    back = await check(db, settings, clock.now())
    assert [(a.kind, a.detail) for a in back.raised] == [("profile_word", "예비후보")]
    assert len(await health_notifications(db, chief)) == len(told) + 1
    async with db.read() as s:
        kinds = list(await s.scalars(select(HealthAlert.kind).where(HealthAlert.account_id == mayor.id)))
    assert kinds.count("profile_word") == 2  # the resolved one stays as history


async def test_nobody_to_tell_yet_means_told_later(db: Database, clock: FrozenClock) -> None:
    settings = Settings(database_url=db.url)
    async with db.write() as s:
        org = await make_account(s, username="anyanglove", organisation=True)
    first = await check(db, settings, TODAY)
    assert {a.kind for a in first.raised} == {"no_avatar"} and first.notified == []
    async with db.write() as s:
        chief = await make_account(s, username="office_chief")
        await add_staff(s, organisation=await s.get(Account, org.id), account=chief, role="office_admin")
    later = await check(db, settings, TODAY + timedelta(hours=1))
    assert [a.kind for a in later.notified] == ["no_avatar"]
    assert await health_notifications(db, chief) == [(org.id, later.notified[0].id)]
    # 30 days later the city has still not posted: silent (it was created "today").
    month = await check(db, settings, TODAY + timedelta(days=30))
    assert [a.kind for a in month.raised] == ["silent"] and month.raised[0].detail == "30"


async def test_the_health_job_chain_runs_and_comes_back(db: Database, clock: FrozenClock) -> None:
    from madang.analytics.health_job import JOB, schedule_health_checks
    from madang.jobs import Worker

    register_jobs()
    settings = Settings(database_url=db.url, health_profile_words="후보, 구청장 후보")
    async with db.write() as s:
        await make_account(s, username="anyanglove", organisation=True, note="구청장 후보 시절 계정")
        assert await schedule_health_checks(s, settings=settings)
        assert not await schedule_health_checks(s, settings=settings)  # twice: one chain
    await Worker(db).run_until_idle()
    async with db.read() as s:
        words = await s.scalar(select(HealthAlert.detail).where(HealthAlert.kind == "profile_word"))
        waiting = await s.scalar(select(func.count()).select_from(Job).where(Job.name == JOB, Job.state == "pending"))
    assert words == "구청장 후보" and waiting == 1


def test_words_are_found_in_korean_text_and_latin_case_folded() -> None:
    words = ("후보", "예비후보", "Candidate")
    assert words_found("안양시장 예비후보입니다", words) == ["예비후보"]
    assert words_found("CANDIDATE for mayor", words) == ["Candidate"]
    assert words_found("안양시장 최대호", words) == []


def test_a_recent_post_and_a_photo_raise_nothing() -> None:
    today = datetime(2026, 3, 3).date()
    account = Account(username="anyanglove", display_name="안양시", note="안양시청 공식 계정", fields=[],
                      avatar_path="avatars/a.png", last_status_at=today - timedelta(days=13),
                      created_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
    assert findings(account, today=today, rules=HealthRules()) == {}
    account.last_status_at = today - timedelta(days=14)
    assert findings(account, today=today, rules=HealthRules()) == {"silent": "14"}
