"""The office sees the fediverse as it sees its own citizens (issue 14, "The 민원 desk"): a
remote citizen's mention, tagged post and direct message reach the city's live monitor with the
same reasons as a local one, and one of them becomes a case; on both databases, through a real
server's inbox."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db import Database
from madang.federation.keys import generate_key_pair
from madang.models import Follow
from madang.models.desk import Case
from madang.monitor.cases import open_case_from_post
from madang.monitor.feed import monitor_page
from madang.monitor.watches import add_watch, load_rules
from tests.desk.city import make_city
from tests.factories import SITE
from tests.federation.test_inbox import Remote
from tests.support.server import running_server

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    with running_server(database_url) as url:
        yield url, database_url


def note(remote: Remote, n: int, content: str, *, to: list[str], tags: list[dict[str, Any]]) -> dict[str, Any]:
    note_id = f"{remote.uri}/statuses/{n}"
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note_id}/activity", "type": "Create",
            "actor": remote.uri, "to": to, "object": {
                "id": note_id, "type": "Note", "attributedTo": remote.uri, "content": content,
                "published": "2026-12-07T01:00:00Z", "to": to, "tag": tags}}


async def _items(db: Database, org_id: int) -> dict[str, list[str]]:
    async with db.read() as s:
        items, _ = await monitor_page(s, await load_rules(s, org_id))
    return {i.status.uri or "": i.reasons for i in items}


async def test_a_remote_citizens_posts_reach_the_monitor_and_become_a_case(server: tuple[str, str]) -> None:
    base, url = server
    db = Database(url)
    try:
        city = await make_city(db)
        async with db.write() as s:
            await add_watch(s, organisation=city.org, staff=city.triager, kind="hashtag", value="#안양천")
        org_uri = f"{base}/users/anyanglove"
        mention = {"type": "Mention", "href": org_uri, "name": "@anyanglove"}
        alice = Remote("alice", *generate_key_pair())
        alice_id = await alice.store(url)
        async with db.write() as s:  # a citizen here follows alice (as after her Accept), so
            # her public posts are taken; an unfollowed stranger's would be refused as Mastodon does
            s.add(Follow(id=new_id(), account_id=city.citizen.id, target_account_id=alice_id, created_at=utcnow(),
                         uri=f"{base}/follows/1"))
        link = f'<a href="{org_uri}" class="u-url mention">@anyanglove</a>'
        posts = [
            note(alice, 1, f"<p>{link} 안양천 가로등이 꺼졌어요</p>", to=[PUBLIC], tags=[mention]),
            note(alice, 2, "<p>오늘 #안양천 산책</p>", to=[PUBLIC],
                 tags=[{"type": "Hashtag", "name": "#안양천", "href": "https://remote.example/tags/안양천"}]),
            note(alice, 3, f"<p>{link} 개인 문의입니다</p>", to=[org_uri], tags=[mention]),
            note(alice, 4, "<p>아무 상관 없는 글</p>", to=[PUBLIC], tags=[]),
        ]
        for activity in posts:
            assert alice.post(base, activity).status_code == 202

        expected = {f"{alice.uri}/statuses/1": ["mention"], f"{alice.uri}/statuses/2": ["hashtag"],
                    f"{alice.uri}/statuses/3": ["mention"]}
        for _ in range(150):
            found = await _items(db, city.org.id)
            if found == expected:
                break
            await asyncio.sleep(0.1)
        assert await _items(db, city.org.id) == expected

        async with db.read() as s:
            items, _ = await monitor_page(s, await load_rules(s, city.org.id))
        complaint = next(i.status for i in items if i.status.uri == f"{alice.uri}/statuses/1")
        async with db.write() as s:
            case, new = await open_case_from_post(s, site=SITE, organisation=city.org, staff=city.triager,
                                                  status_id=complaint.id, kind="grievance")
        async with db.read() as s:
            stored = await s.get(Case, case.id)
        # The case is the remote citizen's, as a local one's would be theirs.
        assert new and stored is not None and stored.source_status_id == complaint.id
        assert stored.citizen_id == complaint.account_id
    finally:
        await db.dispose()
