"""The inbox against a real server, on both databases: a signed activity from a known remote
actor is taken and processed (follow, post, like, boost, undo, delete); everything forged,
stale, tampered or oversized is refused and changes nothing (issue 14, Safety)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db import Database
from madang.federation.keys import generate_key_pair
from madang.federation.signatures import sign_headers
from madang.models import Account, Favourite, Follow, Job, Notification, Status
from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server

AS2 = "application/activity+json"
REMOTE = "https://remote.example"


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    with running_server(database_url) as url:
        yield url, database_url


class Remote:
    """A remote actor known to the server (its row and key stored, as after a first fetch)."""

    def __init__(self, name: str, private_pem: str, public_pem: str) -> None:
        self.uri = f"{REMOTE}/users/{name}"
        self.key_id = f"{self.uri}#main-key"
        self.private_pem, self.public_pem = private_pem, public_pem

    async def store(self, database_url: str) -> int:
        db = Database(database_url)
        try:
            async with db.write() as session:
                name = self.uri.rsplit("/", 1)[1]
                account = Account(id=new_id(), username=name, domain="remote.example", acct_key=f"{name}@remote.example",
                                  uri=self.uri, url=f"{REMOTE}/@{name}", inbox_url=f"{self.uri}/inbox",
                                  shared_inbox_url=f"{REMOTE}/inbox", followers_url=f"{self.uri}/followers",
                                  public_key_id=self.key_id, public_key_pem=self.public_pem, actor_type="Person",
                                  created_at=utcnow(), updated_at=utcnow(), fetched_at=utcnow())
                session.add(account)
            return account.id
        finally:
            await db.dispose()

    def post(self, base: str, activity: dict, *, path: str = "/inbox", key: str | None = None,
             date: datetime | None = None, body: bytes | None = None) -> httpx.Response:
        raw = json.dumps(activity, ensure_ascii=False).encode()
        headers = sign_headers(method="POST", url=f"{base}{path}", body=raw, key_id=self.key_id,
                               private_pem=key or self.private_pem, headers={"Content-Type": AS2}, now=date)
        return httpx.post(f"{base}{path}", content=body if body is not None else raw, headers=headers)


_KEYS: list[tuple[str, str]] = []


def keys() -> tuple[str, str]:
    if len(_KEYS) < 3:
        _KEYS.append(generate_key_pair())
    return _KEYS[len(_KEYS) % 3] if len(_KEYS) == 3 else _KEYS[-1]


async def count(database_url: str, query: Any) -> int:
    db = Database(database_url)
    try:
        async with db.read() as session:
            return int(await session.scalar(query) or 0)
    finally:
        await db.dispose()


def eventually(check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


async def test_a_remote_follow_post_like_boost_and_undo_reach_a_local_account(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    me = local.me()
    local_uri = f"{base}/users/{me.username}"
    private_pem, public_pem = generate_key_pair()
    alice = Remote("alice", private_pem, public_pem)
    alice_id = await alice.store(url)

    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}#follows/1",
              "type": "Follow", "actor": alice.uri, "object": local_uri}
    assert alice.post(base, follow).status_code == 202
    eventually(lambda: local.me().followers_count == 1)
    assert alice.post(base, follow).status_code == 202  # redelivered: still one follow

    post = local.status_post("안양 소식 #안양")
    note_id = f"{alice.uri}/statuses/1"
    create = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note_id}/activity", "type": "Create",
              "actor": alice.uri, "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{alice.uri}/followers"],
              "object": {"id": note_id, "type": "Note", "attributedTo": alice.uri,
                         "content": f'<p><a href="{local_uri}" class="u-url mention">@{me.username}</a> 좋은 소식이네요 <script>alert(1)</script></p>',
                         "inReplyTo": post.uri, "published": "2026-12-07T01:00:00Z",
                         "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{alice.uri}/followers"],
                         "tag": [{"type": "Mention", "href": local_uri, "name": f"@{me.username}@{base[7:]}"}]}}
    assert alice.post(base, create).status_code == 202
    mention = eventually(lambda: next((n for n in local.notifications() if n.type == "mention"), None))
    assert mention.account.acct == "alice@remote.example"
    assert mention.status.in_reply_to_id == post.id and "<script" not in mention.status.content
    assert alice.post(base, create).status_code == 202  # redelivered: still one status
    eventually(lambda: local.status(post.id).replies_count == 1)

    like = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}#likes/1", "type": "Like",
            "actor": alice.uri, "object": post.uri}
    assert alice.post(base, like).status_code == 202
    eventually(lambda: local.status(post.id).favourites_count == 1)
    undo = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}#likes/1/undo", "type": "Undo",
            "actor": alice.uri, "object": like}
    assert alice.post(base, undo).status_code == 202
    eventually(lambda: local.status(post.id).favourites_count == 0)

    announce = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}/statuses/2/activity",
                "type": "Announce", "actor": alice.uri, "object": post.uri,
                "to": ["https://www.w3.org/ns/activitystreams#Public"]}
    assert alice.post(base, announce).status_code == 202
    eventually(lambda: local.status(post.id).reblogs_count == 1)

    delete = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note_id}#delete", "type": "Delete",
              "actor": alice.uri, "object": {"id": note_id, "type": "Tombstone"}}
    assert alice.post(base, delete).status_code == 202
    eventually(lambda: local.status(post.id).replies_count == 0)
    assert alice.post(base, create).status_code == 202  # a Create after its Delete stays deleted
    time.sleep(1)
    assert await count(url, select(func.count()).select_from(Status).where(
        Status.uri == note_id, Status.deleted_at.is_(None))) == 0

    unfollow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}#follows/1/undo",
                "type": "Undo", "actor": alice.uri, "object": follow}
    assert alice.post(base, unfollow).status_code == 202
    eventually(lambda: local.me().followers_count == 0)
    assert await count(url, select(func.count()).select_from(Follow).where(Follow.account_id == alice_id)) == 0
    # The Accept of the follow was written as a delivery to alice's server.
    assert await count(url, select(func.count()).select_from(Job).where(Job.name == "federation.deliver")) >= 1


async def test_forged_stale_tampered_and_oversized_activities_are_refused_and_change_nothing(
        server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    local_uri = f"{base}/users/{local.me().username}"
    private_pem, public_pem = generate_key_pair()
    other_private, _ = generate_key_pair()
    mallory = Remote("mallory", private_pem, public_pem)
    await mallory.store(url)
    bob = Remote("bob", *generate_key_pair())
    await bob.store(url)

    def follow(actor: str) -> dict:
        return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}#follows/{new_id()}",
                "type": "Follow", "actor": actor, "object": local_uri}

    jobs_before = await count(url, select(func.count()).select_from(Job).where(Job.name == "federation.receive"))
    raw = json.dumps(follow(mallory.uri)).encode()
    # Unsigned.
    r = httpx.post(f"{base}/inbox", content=raw, headers={"Content-Type": AS2})
    assert r.status_code == 401 and "error" in r.json()
    # Signed with a key that is not the one the actor publishes.
    assert mallory.post(base, follow(mallory.uri), key=other_private).status_code == 401
    # Replayed: a Date two hours old.
    old = datetime.now(timezone.utc) - timedelta(hours=2)
    assert mallory.post(base, follow(mallory.uri), date=old).status_code == 401
    # Tampered: the body changed after signing (the Digest no longer matches).
    tampered = json.dumps(follow(mallory.uri)).encode()
    assert mallory.post(base, follow(mallory.uri), body=tampered).status_code == 401
    # Signed by mallory, claiming to be bob.
    assert mallory.post(base, follow(bob.uri)).status_code == 401
    # An activity whose id is on another server than its actor.
    forged = follow(mallory.uri) | {"id": "https://elsewhere.example/follows/1"}
    assert mallory.post(base, forged).status_code == 400
    # Oversized.
    big = follow(mallory.uri) | {"padding": "가" * 400_000}
    assert mallory.post(base, big).status_code == 413
    # Not JSON.
    assert httpx.post(f"{base}/inbox", content=b"{", headers={"Content-Type": AS2}).status_code == 400
    # A key id pointing at a private address is never fetched (the guarded client refuses it).
    stranger = Remote("eve", *generate_key_pair())
    stranger.uri, stranger.key_id = "https://10.0.0.1/users/eve", "https://10.0.0.1/users/eve#main-key"
    assert stranger.post(base, follow(stranger.uri)).status_code == 401

    assert await count(url, select(func.count()).select_from(Job).where(Job.name == "federation.receive")) == jobs_before
    assert local.me().followers_count == 0
    assert await count(url, select(func.count()).select_from(Account).where(Account.uri.like("https://10.0.0.1/%"))) == 0


async def test_a_create_whose_object_lives_on_another_server_is_not_taken_as_embedded(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    local_uri = f"{base}/users/{local.me().username}"
    mallory = Remote("mallory2", *generate_key_pair())
    await mallory.store(url)
    spoof = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{mallory.uri}/statuses/9/activity",
             "type": "Create", "actor": mallory.uri, "to": [local_uri],
             "object": {"id": "https://victim.example/users/v/statuses/1", "type": "Note",
                        "attributedTo": "https://victim.example/users/v", "content": "<p>가짜 공지</p>",
                        "to": [local_uri], "tag": [{"type": "Mention", "href": local_uri}]}}
    assert mallory.post(base, spoof).status_code == 202
    time.sleep(1.5)
    assert await count(url, select(func.count()).select_from(Status).where(Status.local.is_(False))) == 0
    assert await count(url, select(func.count()).select_from(Notification)) == 0
    assert await count(url, select(func.count()).select_from(Favourite)) == 0


async def test_nothing_is_taken_from_a_suspended_domain(server: tuple[str, str]) -> None:
    from madang.models import DomainBlock

    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    local_uri = f"{base}/users/{local.me().username}"
    carol = Remote("carol", *generate_key_pair())
    await carol.store(url)
    db = Database(url)
    try:
        async with db.write() as session:
            session.add(DomainBlock(id=new_id(), domain="remote.example", severity="suspend", created_at=utcnow()))
    finally:
        await db.dispose()
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{carol.uri}#follows/9",
              "type": "Follow", "actor": carol.uri, "object": local_uri}
    r = carol.post(base, follow)
    assert r.status_code == 403 and "error" in r.json()
    assert await count(url, select(func.count()).select_from(Job).where(Job.name == "federation.receive")) == 0
    assert local.me().followers_count == 0


def test_secure_mode_serves_only_signed_fetches(sqlite_template) -> None:  # type: ignore[no-untyped-def]
    """MADANG_AUTHORIZED_FETCH: posts and collections need a signed GET; an unsigned actor fetch
    gets the bare actor (enough to check signatures); the instance actor and WebFinger stay open."""
    import asyncio
    import shutil

    path = sqlite_template.parent / f"secure-{new_id()}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    with running_server(url, authorized_fetch=True) as base:
        app = new_app(base)
        local, _, _ = register(base, app)
        name = local.me().username
        post = local.status_post("보안 모드 공개 글")
        headers = {"Accept": AS2}
        assert httpx.get(post.uri, headers=headers).status_code == 401
        assert httpx.get(f"{base}/users/{name}/outbox", headers=headers).status_code == 401
        bare = httpx.get(f"{base}/users/{name}", headers=headers)
        assert bare.status_code == 200 and "publicKey" in bare.json() and "summary" not in bare.json()
        assert httpx.get(f"{base}/actor", headers=headers).status_code == 200
        host = base.removeprefix("http://")
        assert httpx.get(f"{base}/.well-known/webfinger", params={"resource": f"acct:{name}@{host}"}).status_code == 200

        reader = Remote("reader", *generate_key_pair())
        asyncio.run(reader.store(url))
        signed = sign_headers(method="GET", url=post.uri, body=None, key_id=reader.key_id,
                              private_pem=reader.private_pem, headers={"Accept": AS2})
        answer = httpx.get(post.uri, headers=signed)
        assert answer.status_code == 200 and answer.json()["id"] == post.uri
        assert answer.headers.get("cache-control") == "private"  # no shared cache keeps it
        forged = sign_headers(method="GET", url=post.uri, body=None, key_id=reader.key_id,
                              private_pem=generate_key_pair()[0], headers={"Accept": AS2})
        assert httpx.get(post.uri, headers=forged).status_code == 401


def test_reports_cross_servers_as_flags(server: tuple[str, str]) -> None:
    """A Flag from another server files a report about the local account; a local report about a
    remote account, forwarded, goes out as a Flag from the instance actor."""
    from madang.models import Report

    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    local_uri = f"{base}/users/{local.me().username}"
    post = local.status_post("신고될 글")
    moderator = Remote("moderation", *generate_key_pair())
    import asyncio

    moderator_id = asyncio.run(moderator.store(url))
    flag = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{moderator.uri}#flags/1", "type": "Flag",
            "actor": moderator.uri, "object": [local_uri, post.uri], "content": "스팸입니다"}
    assert moderator.post(base, flag).status_code == 202
    eventually(lambda: asyncio_count(url, Report.account_id == moderator_id) == 1)

    local.report(moderator_id, comment="원격 계정 신고", forward=True)

    def flagged() -> bool:
        bodies = asyncio_bodies(url)
        return any(b.get("type") == "Flag" and b.get("object", [None])[0] == moderator.uri
                   and b.get("actor") == f"{base}/actor" for b in bodies)
    eventually(flagged)



def asyncio_count(url: str, condition: Any) -> int:
    import asyncio

    from madang.models import Report

    return asyncio.run(count(url, select(func.count()).select_from(Report).where(condition)))


def asyncio_bodies(url: str) -> list[dict]:
    import asyncio

    from madang.models import OutgoingActivity

    async def go() -> list[dict]:
        db = Database(url)
        try:
            async with db.read() as session:
                return [json.loads(b) for b in await session.scalars(select(OutgoingActivity.body))]
        finally:
            await db.dispose()
    return asyncio.run(go())


def test_followers_only_posts_carry_the_followers_digest_and_the_list_answers_signed(
        server: tuple[str, str]) -> None:
    """FEP-8fcf: a followers-only post's delivery carries Collection-Synchronization for the
    receiving server; the partial followers list answers that server's signed GET only."""
    import asyncio

    from madang.federation.delivery import followers_digest

    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    name = local.me().username
    local_uri = f"{base}/users/{name}"
    fan = Remote("fan", *generate_key_pair())
    asyncio.run(fan.store(url))
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{fan.uri}#follows/1",
              "type": "Follow", "actor": fan.uri, "object": local_uri}
    assert fan.post(base, follow).status_code == 202
    eventually(lambda: local.me().followers_count == 1)
    local.status_post("팔로워만 보는 글", visibility="private")

    async def sync_values() -> list[dict]:
        db = Database(url)
        try:
            async with db.read() as session:
                payloads = await session.scalars(select(Job.payload).where(Job.name == "federation.deliver"))
                return [p["sync"] for p in payloads if p.get("sync")]
        finally:
            await db.dispose()
    values = eventually(lambda: asyncio.run(sync_values()))
    assert f'digest="{followers_digest([fan.uri])}"' in values[0]["remote.example"]
    assert f'url="{local_uri}/followers_synchronization"' in values[0]["remote.example"]

    sync_url = f"{local_uri}/followers_synchronization"
    assert httpx.get(sync_url, headers={"Accept": AS2}).status_code == 401
    signed = sign_headers(method="GET", url=sync_url, body=None, key_id=fan.key_id, private_pem=fan.private_pem,
                          headers={"Accept": AS2})
    listed = httpx.get(sync_url, headers=signed)
    assert listed.status_code == 200 and listed.json()["orderedItems"] == [fan.uri]


def test_one_server_delivering_too_much_is_asked_to_wait(sqlite_template) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import shutil

    path = sqlite_template.parent / f"inbox-limit-{new_id()}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    with running_server(url, federation_inbox_per_5min=3) as base:
        app = new_app(base)
        local, _, _ = register(base, app)
        local_uri = f"{base}/users/{local.me().username}"
        busy = Remote("busy", *generate_key_pair())
        asyncio.run(busy.store(url))
        answers = [busy.post(base, {"@context": "https://www.w3.org/ns/activitystreams", "type": "Like",
                                    "id": f"{busy.uri}#likes/{i}", "actor": busy.uri, "object": local_uri})
                   for i in range(4)]
        assert [a.status_code for a in answers] == [202, 202, 202, 429]
        assert answers[-1].headers["retry-after"] == "60"
