"""What a user's own domain block does (decision 0044), on a real server (SQLite and PostgreSQL):
a remote actor follows, posts, mentions, replies and writes directly through the signed inbox,
a citizen reads with Mastodon.py, blocks the actor's server, and from then on sees nothing of it
in home, public, tag and list timelines, notifications (v1 and grouped v2), conversations,
search, a thread's context or streams; the server's followers are rejected (a Reject is queued
for each), its new follows are refused, and Relationship.domain_blocking says so. Unblocking
shows the posts again."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from madang.accounts.follows import create_follow
from madang.db import Database
from madang.models import Account, Follow, FollowRequest, Job, Notification, Status
from tests.federation.test_inbox import REMOTE, Remote, eventually, keys
from tests.mastodon_api.clients import new_app, register
from tests.streaming.clients import SseReader
from tests.support.server import running_server

AS2_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    with running_server(database_url, streaming_heartbeat_seconds=0.5) as url:
        yield url, database_url


def _db(url: str, work: Any) -> Any:
    async def run() -> Any:
        db = Database(url)
        try:
            async with db.write() as session:
                return await work(session)
        finally:
            await db.dispose()
    return asyncio.run(run())


def _remote(url: str, name: str) -> tuple[Remote, int]:
    """A remote actor on remote.example whose posts search may find (indexable)."""
    actor = Remote(name, *keys())
    account_id = asyncio.run(actor.store(url))

    async def indexable(s):  # type: ignore[no-untyped-def]
        await s.execute(update(Account).where(Account.id == account_id).values(indexable=True))
    _db(url, indexable)
    return actor, account_id


def _note(actor: Remote, n: int, content: str, *, to: list[str], cc: list[str] | None = None,
          reply_to: str | None = None, mention: str | None = None, tag: str | None = None) -> dict:
    note_id = f"{actor.uri}/statuses/{n}"
    tags: list[dict] = []
    if mention:
        tags.append({"type": "Mention", "href": mention, "name": "@" + mention.rsplit("/", 1)[1]})
    if tag:
        tags.append({"type": "Hashtag", "href": f"{REMOTE}/tags/{tag}", "name": f"#{tag}"})
    obj = {"id": note_id, "type": "Note", "attributedTo": actor.uri, "content": f"<p>{content}</p>",
           "published": "2026-12-07T01:00:00Z", "to": to, "cc": cc or [], "tag": tags}
    if reply_to:
        obj["inReplyTo"] = reply_to
    return {"@context": AS2_CONTEXT, "id": f"{note_id}/activity", "type": "Create", "actor": actor.uri,
            "to": to, "cc": cc or [], "object": obj}


def _stored(url: str, uri: str) -> int:
    return eventually(lambda: _db(url, lambda s: s.scalar(select(Status.id).where(Status.uri == uri))))


def _texts(statuses: Any) -> str:
    return " ".join(s["content"] for s in statuses)


def test_a_domain_block_hides_the_server_from_the_blocker_and_ends_its_ties(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    citizen, username, _ = register(base, app)
    neighbour, _, _ = register(base, app)
    me = citizen.me()
    my_uri = f"{base}/users/{username}"
    alice, alice_id = _remote(url, "alice")
    bob, bob_id = _remote(url, "bob")

    # alice follows the citizen through the inbox; bob asks while the citizen is locked.
    follow = {"@context": AS2_CONTEXT, "id": f"{alice.uri}#follows/1", "type": "Follow", "actor": alice.uri,
              "object": my_uri}
    assert alice.post(base, follow).status_code == 202
    eventually(lambda: citizen.me().followers_count == 1)
    citizen.account_update_credentials(locked=True)
    assert bob.post(base, {**follow, "id": f"{bob.uri}#follows/1", "actor": bob.uri}).status_code == 202
    eventually(lambda: citizen.follow_requests())

    # The citizen follows alice (as after her server's Accept) and lists her.
    async def follow_alice(s):  # type: ignore[no-untyped-def]
        await create_follow(s, follower=await s.get(Account, me.id), target=await s.get(Account, alice_id),
                            show_reblogs=True, notify=False)
    _db(url, follow_alice)
    friends = citizen.list_create("이웃")
    citizen.list_accounts_add(friends, [alice_id])

    mine = citizen.status_post("돌다리 건너는 중 #돌다리소식")
    neighbour.status_post("돌다리 이웃 소식 #돌다리소식")
    assert alice.post(base, _note(alice, 1, "돌다리 원격 소식 #돌다리소식", to=[PUBLIC],
                                  cc=[f"{alice.uri}/followers"], tag="돌다리소식")).status_code == 202
    assert alice.post(base, _note(alice, 2, f"@{username} 돌다리 답글", to=[PUBLIC], reply_to=mine.uri,
                                  mention=my_uri)).status_code == 202
    assert alice.post(base, _note(alice, 3, f"@{username} 돌다리 비밀 이야기", to=[my_uri],
                                  mention=my_uri)).status_code == 202
    public_id = _stored(url, f"{alice.uri}/statuses/1")
    reply_id = _stored(url, f"{alice.uri}/statuses/2")
    _stored(url, f"{alice.uri}/statuses/3")
    neighbour.status_reblog(public_id)  # a local boost of alice's post

    def sees_alice() -> dict[str, bool]:
        notes = citizen.notifications()
        grouped = citizen.grouped_notifications()
        return {
            "home": "원격 소식" in _texts(citizen.timeline_home()),
            "public": "원격 소식" in _texts(citizen.timeline_public()),
            "remote": "원격 소식" in _texts(citizen.timeline_public(remote=True)),
            "tag": "원격 소식" in _texts(citizen.timeline_hashtag("돌다리소식")),
            "list": "원격 소식" in _texts(citizen.timeline_list(friends)),
            "context": any(int(s["id"]) == reply_id for s in citizen.status_context(mine)["descendants"]),
            "search": "원격 소식" in _texts(citizen.search_v2("돌다리 원격", result_type="statuses")["statuses"]),
            "conversations": any("비밀 이야기" in (c["last_status"] or {}).get("content", "")
                                 for c in citizen.conversations()),
            "notifications": any(int(n["account"]["id"]) in (alice_id, bob_id) for n in notes),
            "grouped": any(str(alice_id) in g["sample_account_ids"] for g in grouped["notification_groups"]),
        }

    def all_seen() -> dict[str, bool] | None:
        seen = sees_alice()
        return seen if all(seen.values()) else None
    try:
        eventually(all_seen)
    except AssertionError:
        raise AssertionError(f"before the block the citizen should see alice everywhere: {sees_alice()}") from None
    rel = citizen.account_relationships([alice_id, neighbour.me().id])
    assert [r["domain_blocking"] for r in rel] == [False, False]

    citizen.domain_block("remote.example")

    after = sees_alice()
    assert not any(after.values()), after
    assert "이웃 소식" in _texts(citizen.timeline_public())  # the rest stays
    assert "이웃 소식" in _texts(citizen.timeline_hashtag("돌다리소식"))
    assert [s["id"] for s in citizen.status_context(mine)["descendants"]] == []
    rel = citizen.account_relationships([alice_id, neighbour.me().id])
    assert [r["domain_blocking"] for r in rel] == [True, False]
    assert rel[0]["following"] and not rel[0]["followed_by"]  # the citizen's own follow is kept
    assert citizen.me().followers_count == 0 and citizen.follow_requests() == []
    # Others still see the server: the block is the citizen's own.
    assert "원격 소식" in _texts(neighbour.timeline_public())
    assert any(int(s["id"]) == reply_id for s in neighbour.status_context(mine)["descendants"])

    async def rejects(s):  # type: ignore[no-untyped-def]
        return list(await s.scalars(select(Job.payload).where(Job.name == "federation.follow_answered")))
    answers = [p if isinstance(p, dict) else json.loads(p) for p in _db(url, rejects)]
    assert {(a["requester_id"], a["accepted"]) for a in answers} >= {(alice_id, False), (bob_id, False)}
    assert next(a for a in answers if a["requester_id"] == alice_id)["uri"] == f"{alice.uri}#follows/1"

    # New follows from the server are refused, and nothing it does notifies the citizen.
    assert alice.post(base, {**follow, "id": f"{alice.uri}#follows/2"}).status_code == 202
    assert alice.post(base, _note(alice, 4, f"@{username} 돌다리 다시", to=[PUBLIC], reply_to=mine.uri,
                                  mention=my_uri)).status_code == 202
    _stored(url, f"{alice.uri}/statuses/4")
    time.sleep(0.5)

    async def ties(s):  # type: ignore[no-untyped-def]
        follows = await s.scalar(select(func.count()).select_from(Follow).where(
            Follow.account_id == alice_id, Follow.target_account_id == me.id))
        requests = await s.scalar(select(func.count()).select_from(FollowRequest).where(
            FollowRequest.target_account_id == me.id))
        notes = await s.scalar(select(func.count()).select_from(Notification).where(
            Notification.account_id == me.id, Notification.from_account_id.in_([alice_id, bob_id])))
        return follows, requests, notes
    assert _db(url, ties) == (0, 0, 0)

    citizen.domain_unblock("remote.example")
    assert "원격 소식" in _texts(citizen.timeline_public())
    assert citizen.account_relationships([alice_id])[0]["domain_blocking"] is False
    assert citizen.me().followers_count == 0  # removed followers do not come back


def _until(reader: SseReader, marker: str) -> list[str]:
    """The data of every update up to the one carrying ``marker`` (streams keep order)."""
    seen = []
    while True:
        event, data = reader.next(10.0)
        if event == "update":
            seen.append(data)
            if marker in data:
                return seen


def test_a_blocked_server_stays_out_of_the_blockers_streams(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    citizen, _, _ = register(base, app)
    neighbour, _, _ = register(base, app)
    alice, alice_id = _remote(url, "carol")
    me = citizen.me()

    async def follow_both(s):  # type: ignore[no-untyped-def]
        for target in (alice_id, neighbour.me().id):
            await create_follow(s, follower=await s.get(Account, me.id), target=await s.get(Account, target),
                                show_reblogs=True, notify=False)
    _db(url, follow_both)
    public = SseReader(f"{base}/api/v1/streaming/public", citizen.access_token)
    home = SseReader(f"{base}/api/v1/streaming/user", citizen.access_token)
    onlooker = SseReader(f"{base}/api/v1/streaming/public", neighbour.access_token)
    try:
        def round_(n: int) -> tuple[list[str], list[str], list[str]]:
            assert alice.post(base, _note(alice, n, f"원격 흐름 {n}", to=[PUBLIC],
                                          cc=[f"{alice.uri}/followers"])).status_code == 202
            _stored(url, f"{alice.uri}/statuses/{n}")
            neighbour.status_post(f"이웃 흐름 {n}")
            marker = f"이웃 흐름 {n}"
            return _until(public, marker), _until(home, marker), _until(onlooker, marker)

        first = round_(1)
        assert all(any("원격 흐름 1" in d for d in seen) for seen in first), first
        citizen.domain_block("remote.example")
        mine_public, mine_home, theirs = round_(2)
        assert not any("원격 흐름 2" in d for d in mine_public + mine_home)
        assert any("원격 흐름 2" in d for d in theirs)
    finally:
        for reader in (public, home, onlooker):
            reader.close()
