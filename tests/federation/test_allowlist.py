"""Allow-list mode (MADANG_FEDERATION_MODE=allowlist, decision 0040) on both databases: a signed
inbox POST from a server not allowed is refused like one from a suspended server and stores
nothing, the same activity is taken once an admin allows the server, and a suspension still
beats the allow; delivery leaves out servers not allowed; search with resolve does not reach
them; secure mode comes with the mode."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from madang.core.clock import utcnow
from madang.core.settings import Settings
from madang.db import Database
from madang.federation import config as federation_config
from madang.federation.delivery import DELIVER_JOB, enqueue_delivery
from madang.federation.keys import generate_key_pair
from madang.federation.lookup import resolve_remote
from madang.models import Account, DomainAllow, Job
from madang.moderation.domain_allows import ALLOWS_CACHE
from tests.federation.test_inbox import Remote, count, eventually
from tests.mastodon_api.clients import auth, new_app, register
from tests.mastodon_api.test_domain_blocks_api import _admin
from tests.support.server import running_server

LOCAL = "https://madang.example"
ACTIVITY = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{LOCAL}/activities/1", "type": "Create",
            "actor": f"{LOCAL}/users/anyang", "object": {"type": "Note", "content": "안양 소식"}}


def _settings(url: str, mode: str = "allowlist") -> Settings:
    return Settings(database_url=url, federation_mode=mode, secret_key=secrets.token_urlsafe(32))


@pytest.fixture
def allowlist_server(database_url: str) -> Iterator[tuple[str, str]]:
    with running_server(database_url, federation_mode="allowlist") as url:
        yield url, database_url


def _receive_jobs(url: str) -> int:
    return asyncio.run(count(url, select(func.count()).select_from(Job).where(Job.name == "federation.receive")))


def test_only_allowed_servers_reach_the_inbox(allowlist_server: tuple[str, str]) -> None:
    base, url = allowlist_server
    local, _, _ = register(base, new_app(base))
    local_uri = f"{base}/users/{local.me().username}"
    carol = Remote("carol", *generate_key_pair())
    asyncio.run(carol.store(url))
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{carol.uri}#follows/1",
              "type": "Follow", "actor": carol.uri, "object": local_uri}
    refused = carol.post(base, follow)
    assert refused.status_code == 403 and "error" in refused.json()
    assert _receive_jobs(url) == 0 and local.me().followers_count == 0

    admin = httpx.Client(base_url=base, headers=auth(str(_admin(base, url).access_token)), timeout=20)
    allow = admin.post("/api/v1/admin/domain_allows", data={"domain": "remote.example"})
    assert allow.status_code == 200
    # The admin's change empties this process's copy at once (no 2 s wait).
    assert carol.post(base, follow).status_code == 202
    eventually(lambda: local.me().followers_count == 1)

    # Removing the allow cuts the server off as a suspension would: its follows end.
    assert admin.delete(f"/api/v1/admin/domain_allows/{allow.json()['id']}").status_code == 200
    assert local.me().followers_count == 0
    again = {**follow, "id": f"{carol.uri}#follows/2"}
    assert carol.post(base, again).status_code == 403

    # A suspension beats an allow (GoToSocial's rule in allowlist mode).
    assert admin.post("/api/v1/admin/domain_allows", data={"domain": "remote.example"}).status_code == 200
    assert carol.post(base, again).status_code == 202
    admin.post("/api/v1/admin/domain_blocks", data={"domain": "remote.example", "severity": "suspend"})
    assert carol.post(base, {**follow, "id": f"{carol.uri}#follows/3"}).status_code == 403


def test_allowlist_mode_turns_secure_mode_on(sqlite_url: str) -> None:
    assert _settings(sqlite_url).authorized_fetch is True
    assert _settings(sqlite_url, "blocklist").authorized_fetch is False
    with pytest.raises(ValueError):
        _settings(sqlite_url, "everyone")


async def _delivered_to(db: Database) -> list[str]:
    async with db.read() as s:
        jobs = list(await s.scalars(select(Job).where(Job.name == DELIVER_JOB).order_by(Job.id)))
    return sorted(inbox for job in jobs for inbox in job.payload["inboxes"])


async def test_delivery_leaves_out_servers_not_allowed(db: Database) -> None:
    async with db.write() as s:
        s.add(DomainAllow(domain="friends.example", created_at=utcnow(), updated_at=utcnow()))
    inboxes = ["https://friends.example/inbox", "https://a.friends.example/inbox", "https://stranger.example/inbox",
               "https://friends.example.evil/inbox"]
    federation_config.attach(db, _settings(db.url))
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL, inboxes=inboxes)
    assert await _delivered_to(db) == ["https://a.friends.example/inbox", "https://friends.example/inbox"]
    # Only strangers: nothing is written at all.
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL,
                               inboxes=["https://stranger.example/inbox"])
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Job).where(Job.name == DELIVER_JOB)) == 1


async def test_delivery_in_blocklist_mode_is_unchanged(db: Database) -> None:
    federation_config.attach(db, _settings(db.url, "blocklist"))
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL,
                               inboxes=["https://stranger.example/inbox"])
    assert await _delivered_to(db) == ["https://stranger.example/inbox"]


async def test_search_with_resolve_does_not_reach_servers_not_allowed(db: Database) -> None:
    settings = _settings(db.url)
    federation_config.attach(db, settings)
    async with db.write() as s:  # known already (fetched), so finding it needs no network
        s.add(Account(username="alice", domain="remote.example", acct_key="alice@remote.example",
                      uri="https://remote.example/users/alice", inbox_url="https://remote.example/users/alice/inbox",
                      actor_type="Person", created_at=utcnow(), updated_at=utcnow(), fetched_at=utcnow()))
    assert await resolve_remote(db, settings, "@alice@remote.example") is None
    assert await resolve_remote(db, settings, "https://remote.example/users/alice") is None
    async with db.write() as s:
        s.add(DomainAllow(domain="remote.example", created_at=utcnow(), updated_at=utcnow()))
    db.session_info[ALLOWS_CACHE].clear()  # as a change made through madang.moderation empties it
    found = await resolve_remote(db, settings, "@alice@remote.example")
    assert isinstance(found, Account) and found.acct_key == "alice@remote.example"
