"""Notifications reach phones: decrypted by the subscriber's keys, filtered by alerts and
policy, retried when the push service fails, dropped when it says the phone is gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from madang import push
from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from madang.db import Database
from madang.models import AccessToken, Notification
from madang.push.keys import find_server_key
from madang.statuses.interactions import favourite_status
from tests.accounts.factories import make_account
from tests.factories import follow, make_status, run_jobs
from tests.push.conftest import CONFIG
from tests.push.helpers import (
    ALL_ON,
    count_subscriptions,
    jobs_named,
    subscribe,
    subscription_exists,
)
from tests.push.receiver import PushReceiver, vapid_valid


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())


async def _followed_by(db: Database, target, **fan) -> None:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        fan = await make_account(s, **fan)
        await follow(s, fan, target)


@pytest.mark.parametrize("standard", [True, False], ids=["aes128gcm", "legacy-aesgcm"])
async def test_a_follow_reaches_the_phone_decrypted(push_db: Database, receiver: PushReceiver, standard: bool) -> None:
    me = await subscribe(push_db, receiver, standard=standard)
    await _followed_by(push_db, me.account, username="anyang_fan", display_name="안양 시민")
    await run_jobs(push_db)

    [push] = receiver.wait_for(1)
    assert push.path == "/push/phone-1"
    assert push.headers["content-encoding"] == ("aes128gcm" if standard else "aesgcm")
    assert push.headers["ttl"] == "172800"
    async with push_db.read() as s:
        key = await find_server_key(s)
    assert key is not None and vapid_valid(push, key.public_key)

    payload = me.keys.decrypt(push)
    assert payload["notification_type"] == "follow"
    assert payload["title"] == "안양 시민 님이 나를 팔로우했습니다"
    assert payload["access_token"] == me.token
    assert payload["preferred_locale"] == "ko"
    # A number on the wire, as Mastodon sends it (Mastodon.py's helper turns ids into strings).
    assert isinstance(payload["notification_id"], int if standard else str)
    assert payload["icon"] == "https://madang.test/avatars/original/missing.png"
    # The notification the phone is told about is the one the API lists.
    async with push_db.read() as s:
        ids = list(await s.scalars(select(Notification.id).where(Notification.account_id == me.account.id)))
    assert ids == [int(payload["notification_id"])]


async def test_a_mention_carries_the_post_and_english_for_english_users(push_db: Database,
                                                                       receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver, username="mayor", locale="en")
    async with push_db.write() as s:
        citizen = await make_account(s, username="jiyeon")
        await make_status(s, citizen, "@mayor 안양천 자전거길 가로등이 꺼져 있어요. 사진: https://photos.example/"
                          + "a" * 200)  # a link counts 23 characters; the push body cuts at 140
    await run_jobs(push_db)

    payload = me.keys.decrypt(receiver.wait_for(1)[0])
    assert payload["notification_type"] == "mention"
    assert payload["title"] == "You were mentioned by jiyeon"
    assert payload["preferred_locale"] == "en"
    assert payload["body"].startswith("@mayor 안양천 자전거길 가로등이 꺼져 있어요.")
    assert len(payload["body"]) == 140 and payload["body"].endswith("...")


async def test_a_disabled_alert_sends_nothing(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver, alerts={**ALL_ON, "follow": False})
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)
    assert await jobs_named(push_db, "push.send") == []
    assert receiver.received == []

    # The same subscriber still hears of a favourite, which it left on.
    async with push_db.write() as s:
        post = await make_status(s, me.account, "중앙공원 벚꽃이 피었어요")
        fan = await make_account(s)
        await favourite_status(s, account=fan, status=post)
    await run_jobs(push_db)
    payload = me.keys.decrypt(receiver.wait_for(1)[0])
    assert payload["notification_type"] == "favourite"
    assert payload["title"].endswith("님이 내 게시물을 마음에 들어했습니다")
    assert payload["body"] == "중앙공원 벚꽃이 피었어요"


async def test_policy_followed_hears_only_from_those_i_follow(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver, policy="followed")
    async with push_db.write() as s:
        friend = await make_account(s, display_name="친구")
        stranger = await make_account(s, display_name="낯선 사람")
        await follow(s, me.account, friend)
        await follow(s, friend, me.account)
        await follow(s, stranger, me.account)
    await run_jobs(push_db)

    [push] = receiver.wait_for(1)
    assert me.keys.decrypt(push)["title"] == "친구 님이 나를 팔로우했습니다"
    assert len(receiver.received) == 1


async def test_policy_none_and_follower(push_db: Database, receiver: PushReceiver) -> None:
    silent = await subscribe(push_db, receiver, path="/silent", policy="none")
    picky = await subscribe(push_db, receiver, path="/picky", policy="follower")
    async with push_db.write() as s:
        fan = await make_account(s, display_name="팬")
        await follow(s, fan, silent.account)
        await follow(s, fan, picky.account)  # a follower of picky: allowed
        post = await make_status(s, picky.account, "시청 민원실 운영시간 안내")
        passerby = await make_account(s)
        await favourite_status(s, account=passerby, status=post)  # not a follower: held back
    await run_jobs(push_db)

    [push] = receiver.wait_for(1)
    assert push.path == "/picky"
    assert picky.keys.decrypt(push)["notification_type"] == "follow"


async def test_gone_subscription_is_removed_without_retry(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver)
    receiver.answers = [410]
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)

    receiver.wait_for(1)
    assert not await subscription_exists(push_db, me.subscription_id)
    [job] = await jobs_named(push_db, "push.send")
    assert (job.state, job.attempts) == ("done", 1)
    # Later notifications find no subscription and queue nothing.
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)
    assert len(await jobs_named(push_db, "push.deliver")) == 1


async def test_server_error_retries_with_backoff(push_db: Database, receiver: PushReceiver,
                                                 frozen: FrozenClock) -> None:
    me = await subscribe(push_db, receiver)
    receiver.answers = [500, 429]
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)

    [job] = await jobs_named(push_db, "push.send")
    assert (job.state, job.attempts) == ("pending", 1)
    assert "500" in (job.last_error or "")
    assert await subscription_exists(push_db, me.subscription_id)

    frozen.advance(seconds=5)
    await run_jobs(push_db)
    [job] = await jobs_named(push_db, "push.send")
    assert (job.state, job.attempts) == ("pending", 2) and "429" in (job.last_error or "")

    frozen.advance(seconds=9)
    await run_jobs(push_db)
    [job] = await jobs_named(push_db, "push.send")
    assert (job.state, job.attempts) == ("done", 3)
    pushes = receiver.wait_for(3)
    assert me.keys.decrypt(pushes[-1])["notification_type"] == "follow"


async def test_unreachable_service_retries(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver)
    receiver.stop()  # nothing listens on the port any more: connection refused
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)
    [job] = await jobs_named(push_db, "push.send")
    assert (job.state, job.attempts) == ("pending", 1)
    assert "ConnectError" in (job.last_error or "")


async def test_revoked_token_drops_its_subscription(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver)
    async with push_db.write() as s:
        await s.execute(update(AccessToken).where(AccessToken.id == me.token_id).values(revoked_at=utcnow()))
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)
    assert receiver.received == []
    assert await count_subscriptions(push_db) == 0


async def test_no_subscription_no_push_job(push_db: Database) -> None:
    async with push_db.write() as s:
        a = await make_account(s)
        b = await make_account(s)
        await follow(s, a, b)
    await run_jobs(push_db)
    assert await jobs_named(push_db, "push.deliver") == []


async def test_one_subscription_per_token(push_db: Database, receiver: PushReceiver) -> None:
    me = await subscribe(push_db, receiver, path="/old")
    async with push_db.write() as s:
        await push.create_subscription(s, config=CONFIG, account_id=me.account.id, access_token_id=me.token_id,
                                       access_token=me.token, endpoint=receiver.url("/new"), p256dh=me.keys.p256dh,
                                       auth=me.keys.auth_b64, standard=True, alerts=ALL_ON)
    assert await count_subscriptions(push_db) == 1
    await _followed_by(push_db, me.account)
    await run_jobs(push_db)
    assert [p.path for p in receiver.wait_for(1)] == ["/new"]
