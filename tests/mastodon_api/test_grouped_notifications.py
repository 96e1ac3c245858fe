"""Grouped notifications (/api/v2/notifications, Mastodon 4.3) through Mastodon.py and httpx
against a real server, on SQLite and PostgreSQL. The clock is frozen inside a 12-hour window
and moved past it, so which notifications share a group is decided, not raced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from mastodon import MastodonNotFoundError

from madang.core.clock import Clock, FrozenClock, set_clock
from tests.mastodon_api.clients import auth, eventually, new_app, register
from tests.support.server import running_server

WINDOW_HOURS = 12


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    today = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    clock = FrozenClock(today)
    set_clock(clock)
    yield clock
    set_clock(Clock())


@pytest.fixture
def server(database_url: str, frozen: FrozenClock) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url


def _hour(at: datetime) -> int:
    hours = int(at.timestamp()) // 3600
    return hours - hours % WINDOW_HOURS


def _groups(api, **kw):  # type: ignore[no-untyped-def]
    return api.grouped_notifications(expand_accounts="full", **kw)


def test_favourites_boosts_and_follows_are_grouped(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    author, author_name, _ = register(server, app)
    fans = [register(server, app)[0] for _ in range(3)]
    author_id = author.me().id
    post = author.status_post("안양천 벚꽃 사진입니다")
    fan_ids = []
    for fan in fans:
        fan_ids.append(fan.me().id)
        fan.status_favourite(post.id)
        fan.account_follow(author_id)
    fans[0].status_reblog(post.id)
    mention = fans[1].status_post(f"@{author_name} 멋진 사진!")
    eventually(lambda: len(author.notifications(limit=40)) >= 8)

    result = _groups(author)
    by_type = {g.type: g for g in result.notification_groups}
    assert sorted(by_type) == ["favourite", "follow", "mention", "reblog"]
    hour = _hour(frozen.at)
    fav = by_type["favourite"]
    assert fav.group_key == f"favourite-{post.id}-{hour}"
    assert fav.notifications_count == 3 and fav.status_id == post.id
    assert fav.sample_account_ids == list(reversed(fan_ids))  # newest first
    assert by_type["follow"].group_key == f"follow-{hour}" and by_type["follow"].notifications_count == 3
    assert by_type["reblog"].notifications_count == 1
    assert by_type["mention"].group_key.startswith("ungrouped-") and by_type["mention"].status_id == mention.id
    assert {a.id for a in result.accounts} == set(fan_ids)
    assert [s.id for s in result.statuses].count(post.id) == 1  # each status once
    assert fav.page_max_id == str(fav.most_recent_notification_id) and int(fav.page_min_id) < int(fav.page_max_id)

    # grouped_types[]: only the follows are grouped; favourites come one by one.
    only_follows = _groups(author, grouped_types=["follow"]).notification_groups
    assert [g.type for g in only_follows].count("favourite") == 3
    assert [g.type for g in only_follows].count("follow") == 1

    # partial_avatars (Mastodon.py's default): the newest face in full, the others partial.
    partial = author.grouped_notifications()
    full, faces = {a.id for a in partial.accounts}, {a.id for a in partial.partial_accounts}
    assert {g.sample_account_ids[0] for g in partial.notification_groups} == full
    assert full | faces == set(fan_ids) and not full & faces
    assert set(vars(partial.partial_accounts[0]) if faces else {}) <= {"id", "acct", "locked", "bot", "url",
                                                                      "avatar", "avatar_static"}

    # One group, its accounts, then dismissing it.
    one = author.grouped_notification(fav.group_key)
    assert one.notification_groups[0].notifications_count == 3
    assert [a.id for a in author.grouped_notification_accounts(fav.group_key)] == list(reversed(fan_ids))
    author.dismiss_grouped_notification(fav.group_key)
    with pytest.raises(MastodonNotFoundError):
        author.grouped_notification(fav.group_key)
    assert "favourite" not in {n.type for n in author.notifications(limit=40)}

    # Twelve hours on, a new favourite starts a new group.
    frozen.advance(hours=WINDOW_HOURS)
    late, _, _ = register(server, app)
    late.status_favourite(post.id)
    later = eventually(lambda: [g for g in _groups(author).notification_groups if g.type == "favourite"])
    assert later[0].group_key == f"favourite-{post.id}-{hour + WINDOW_HOURS}" and later[0].notifications_count == 1


def test_pages_unread_count_and_a_stranger_cannot_read_or_dismiss(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    author, author_name, _ = register(server, app)
    stranger, _, stranger_password = register(server, app)
    fan, _, _ = register(server, app)
    posts = [author.status_post(f"{i}번째 소식") for i in range(5)]
    for p in posts:
        fan.status_favourite(p.id)
        frozen.advance(seconds=1)
    eventually(lambda: len(author.notifications(limit=40)) >= 5)
    assert author.unread_grouped_notifications_count() == 5

    first = _groups(author, limit=2)
    assert [g.status_id for g in first.notification_groups] == [posts[4].id, posts[3].id]
    seen = [g.group_key for g in first.notification_groups]
    page = first
    while (page := author.fetch_next(page)) is not None:
        seen += [g.group_key for g in page.notification_groups]
    assert len(seen) == len(set(seen)) == 5

    newest = first.notification_groups[0].page_max_id
    author.markers_set(["notifications"], [newest])
    assert author.unread_grouped_notifications_count() == 0
    fan.status_reblog(posts[0].id)
    fan.status_reblog(posts[1].id)
    eventually(lambda: author.unread_grouped_notifications_count() == 2)

    # A stranger knows the key (it is made of public ids) but reaches nothing with it.
    key = first.notification_groups[0].group_key
    stranger_token = stranger.access_token
    with httpx.Client(base_url=server, headers=auth(stranger_token)) as http:
        assert http.get(f"/api/v2/notifications/{key}").status_code == 404
        assert http.get(f"/api/v2/notifications/{key}/accounts").json() == []
        assert http.post(f"/api/v2/notifications/{key}/dismiss").status_code == 200
        assert http.get("/api/v2/notifications").json()["notification_groups"] == []
        assert http.get("/api/v2/notifications/not-a-key").status_code == 404
        assert http.get("/api/v2/notifications", params={"expand_accounts": "everything"}).status_code == 400
    assert author.grouped_notification(key).notification_groups[0].group_key == key
    assert stranger_password  # the stranger is a real signed-in user, not an app token


def test_instance_reports_api_version_2_and_no_translation(server: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    post = api.status_post("번역할 수 없는 글")
    with httpx.Client(base_url=server) as http:
        instance = http.get("/api/v2/instance").json()
        assert instance["api_versions"]["mastodon"] == 2
        assert instance["configuration"]["translation"] == {"enabled": False}
        assert http.get("/api/v1/instance/translation_languages").json() == {}
        assert http.post(f"/api/v1/statuses/{post.id}/translate").status_code == 401
        answer = http.post(f"/api/v1/statuses/{post.id}/translate", headers=auth(api.access_token))
        assert answer.status_code == 404 and answer.json() == {"error": "Record not found"}
    # Mastodon.py's version check reads api_versions: it sees a 4.3 server with grouping.
    with pytest.raises(MastodonNotFoundError):
        api.status_translate(post.id)


def test_a_page_stays_fast_on_thousands_of_notifications(server: str, database_url: str,
                                                        frozen: FrozenClock) -> None:
    """Rough timing: 3,000 favourites of 60 posts, a page of 40 groups with their counts."""
    import asyncio
    import time

    from madang.core.ids import id_at
    from madang.db import Database
    from madang.models import Notification

    app = new_app(server)
    author, _, _ = register(server, app)
    fan, _, _ = register(server, app)
    author_id, fan_id = author.me().id, fan.me().id
    posts = [author.status_post(f"{i}번째") for i in range(60)]
    start = frozen.at - timedelta(hours=1)
    rows = [{"id": id_at(start + timedelta(seconds=i)), "account_id": author_id, "from_account_id": fan_id,
             "type": "favourite", "activity_id": i + 1, "status_id": posts[i % 60].id,
             "created_at": start + timedelta(seconds=i)} for i in range(3000)]

    async def insert() -> None:
        database = Database(database_url, pool_size=1)
        async with database.write() as session:
            await session.execute(Notification.__table__.insert(), rows)
        await database.dispose()

    asyncio.run(insert())
    _groups(author, limit=40)  # warm: statement caches, accounts
    took = time.perf_counter()
    result = _groups(author, limit=40)
    took = time.perf_counter() - took
    assert len(result.notification_groups) == 40
    assert all(g.notifications_count == 50 for g in result.notification_groups)
    assert took < 1.5, took
