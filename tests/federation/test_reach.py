"""Delivery reach and the collection activities (issue 14, decision 0042), against a real server
on both databases: deletes and edits reach every server that saw a post; replies to local posts
are forwarded and forwards are taken only as their origin confirms them; pins go out and come in
as Add/Remove; a remote Move moves local followers; FEP-8fcf headers repair follows.

Remote servers that must be fetched from are an HTTPS "origin" on loopback (a test CA trusted
through SSL_CERT_FILE, as in the lab); the others are only inbox URLs, checked in the stored
delivery jobs."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db import Database
from madang.federation.delivery import followers_digest
from madang.federation.keys import generate_key_pair
from madang.federation.parse import first_id
from madang.federation.signatures import sign_headers
from madang.models import Account, Follow, FollowRequest, Job, OutgoingActivity, Status
from tests.federation.test_delivery import _lab_ca
from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server

AS2 = "application/activity+json"
CTX = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class Origin:
    """A remote server over HTTPS on 127.0.0.1: GET answers the documents put in ``docs``
    (a path missing answers 404; a path mapped to an int answers that status)."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.docs: dict[str, Any] = {}
        self.gets: list[str] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                origin.gets.append(self.path)
                doc = origin.docs.get(self.path.split("?", 1)[0])
                if doc is None or isinstance(doc, int):
                    self.send_response(doc or 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", AS2)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"https://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Origin]:
    from madang.net import guarded

    ca, cert, key = _lab_ca(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    guarded._context.cache_clear()
    served = Origin(cert, key)
    yield served
    served.close()
    guarded._context.cache_clear()


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    with running_server(database_url, federation_allowed_hosts="127.0.0.0/8") as url:
        yield url, database_url


class Actor:
    """A remote actor at ``base`` (its row and key stored here, as after a first fetch)."""

    def __init__(self, base: str, name: str) -> None:
        self.base, self.name = base, name
        self.uri = f"{base}/users/{name}"
        self.key_id = f"{self.uri}#main-key"
        self.private_pem, self.public_pem = generate_key_pair()
        self.inbox = f"{self.uri}/inbox"
        self.shared_inbox = f"{base}/inbox"

    @property
    def domain(self) -> str:
        return self.base.split("://", 1)[1]

    def document(self, **extra: Any) -> dict:
        return {"@context": [CTX, "https://w3id.org/security/v1"], "id": self.uri, "type": "Person",
                "preferredUsername": self.name, "inbox": self.inbox, "outbox": f"{self.uri}/outbox",
                "followers": f"{self.uri}/followers", "featured": f"{self.uri}/collections/featured",
                "endpoints": {"sharedInbox": self.shared_inbox},
                "publicKey": {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_pem}, **extra}

    def store(self, database_url: str) -> int:
        async def go() -> int:
            db = Database(database_url)
            try:
                async with db.write() as session:
                    account = Account(id=new_id(), username=self.name, domain=self.domain,
                                      acct_key=f"{self.name}@{self.domain}".lower(), uri=self.uri, url=self.uri,
                                      inbox_url=self.inbox, shared_inbox_url=self.shared_inbox,
                                      followers_url=f"{self.uri}/followers",
                                      featured_url=f"{self.uri}/collections/featured", public_key_id=self.key_id,
                                      public_key_pem=self.public_pem, actor_type="Person", created_at=utcnow(),
                                      updated_at=utcnow(), fetched_at=utcnow())
                    session.add(account)
                return account.id
            finally:
                await db.dispose()
        return asyncio.run(go())

    def post(self, base: str, activity: dict, *, extra: dict[str, str] | None = None) -> httpx.Response:
        raw = json.dumps({"@context": CTX, **activity}, ensure_ascii=False).encode()
        headers = sign_headers(method="POST", url=f"{base}/inbox", body=raw, key_id=self.key_id,
                               private_pem=self.private_pem, headers={"Content-Type": AS2, **(extra or {})})
        return httpx.post(f"{base}/inbox", content=raw, headers=headers)


def query(url: str, fn: Any) -> Any:
    async def go() -> Any:
        db = Database(url)
        try:
            async with db.read() as session:
                return await fn(session)
        finally:
            await db.dispose()
    return asyncio.run(go())


def eventually(check: Any, timeout: float = 20.0) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def deliveries(url: str, kind: str) -> list[tuple[dict, int | None, set[str]]]:
    """Each stored activity of ``kind`` with the account that signs it and the inboxes its
    delivery jobs name."""
    async def go(session: Any) -> list[tuple[dict, int | None, set[str]]]:
        bodies = {row.id: json.loads(row.body) for row in await session.scalars(select(OutgoingActivity))}
        found: dict[int, tuple[dict, int | None, set[str]]] = {}
        for payload in await session.scalars(select(Job.payload).where(Job.name == "federation.deliver")):
            body = bodies.get(payload["activity_id"])
            if body is not None and body.get("type") == kind:
                entry = found.setdefault(payload["activity_id"], (body, payload.get("account_id"), set()))
                entry[2].update(payload["inboxes"])
        return list(found.values())
    return query(url, go)


def follow_locally(base: str, local: Any, remote: Actor, remote_id: int) -> None:
    """A local account follows a remote one: the request goes out, the remote accepts."""
    me = local.me()
    local.account_follow(remote_id)
    accept = {"id": f"{remote.uri}#accepts/{new_id()}", "type": "Accept", "actor": remote.uri,
              "object": {"type": "Follow", "actor": f"{base}/users/{me.username}", "object": remote.uri}}
    assert remote.post(base, accept).status_code == 202
    eventually(lambda: local.account_relationships(remote_id)[0].following)


def remote_follows(base: str, remote: Actor, local_uri: str) -> None:
    follow = {"id": f"{remote.uri}#follows/{new_id()}", "type": "Follow", "actor": remote.uri, "object": local_uri}
    assert remote.post(base, follow).status_code == 202


# ---------------------------------------------------------------- reach of deletes and edits

def test_a_deleted_or_edited_post_reaches_every_server_that_saw_it(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    author, _, _ = register(base, app)
    booster, _, _ = register(base, app)
    booster_uri = f"{base}/users/{booster.me().username}"
    bob, carol, dave, erin = (Actor(f"https://{h}.example", h) for h in ("bob", "carol", "dave", "erin"))
    for actor in (bob, carol, dave, erin):
        actor.store(url)
    remote_follows(base, erin, booster_uri)  # erin follows the local booster, not the author
    eventually(lambda: booster.me().followers_count == 1)

    post = author.status_post("안양천 산책로 개방 #안양")
    booster.status_reblog(post.id)
    assert bob.post(base, {"id": f"{bob.uri}/statuses/1/activity", "type": "Announce", "actor": bob.uri,
                           "object": post.uri, "to": [PUBLIC]}).status_code == 202
    assert carol.post(base, {"id": f"{carol.uri}#likes/1", "type": "Like", "actor": carol.uri,
                             "object": post.uri}).status_code == 202
    reply = {"id": f"{dave.uri}/statuses/1", "type": "Note", "attributedTo": dave.uri, "inReplyTo": post.uri,
             "content": "<p>좋네요</p>", "to": [PUBLIC], "cc": [f"{dave.uri}/followers"],
             "published": "2026-12-07T01:00:00Z"}
    assert dave.post(base, {"id": f"{dave.uri}/statuses/1/activity", "type": "Create", "actor": dave.uri,
                            "to": [PUBLIC], "object": reply}).status_code == 202
    eventually(lambda: (s := author.status(post.id)).reblogs_count == 2 and s.favourites_count == 1
               and s.replies_count == 1)

    author.status_update(post.id, "안양천 산책로 개방 (수정) #안양")
    [(update, signer, inboxes)] = eventually(lambda: deliveries(url, "Update"))
    assert update["object"]["id"] == post.uri, (update["object"]["id"], post.uri)
    assert signer == int(author.me()["id"])
    assert {bob.shared_inbox, carol.shared_inbox, dave.shared_inbox, erin.shared_inbox} <= inboxes

    author.status_delete(post.id)
    [(deleted, signer, inboxes)] = eventually(lambda: deliveries(url, "Delete"))
    assert first_id(deleted["object"]) == post.uri and signer == int(author.me()["id"])
    # The boosters' servers, the favouriter's, the replier's, and the local booster's follower's.
    assert {bob.shared_inbox, carol.shared_inbox, dave.shared_inbox, erin.shared_inbox} <= inboxes


def test_a_followers_only_post_is_not_edited_towards_its_repliers(server: tuple[str, str]) -> None:
    """Mastodon's rule: an edit of a post that may not be distributed reaches only its audience;
    its deletion still reaches those who interacted with it."""
    base, url = server
    app = new_app(base)
    author, _, _ = register(base, app)
    author_uri = f"{base}/users/{author.me().username}"
    fan, carol = Actor("https://fan.example", "fan"), Actor("https://carol.example", "carol")
    fan.store(url)
    carol.store(url)
    remote_follows(base, fan, author_uri)
    eventually(lambda: author.me().followers_count == 1)
    post = author.status_post("팔로워에게만", visibility="private")
    reply = {"id": f"{carol.uri}/statuses/2", "type": "Note", "attributedTo": carol.uri, "inReplyTo": post.uri,
             "content": "<p>답글</p>", "to": [author_uri], "published": "2026-12-07T01:00:00Z",
             "tag": [{"type": "Mention", "href": author_uri}]}
    assert carol.post(base, {"id": f"{carol.uri}/statuses/2/activity", "type": "Create", "actor": carol.uri,
                             "to": [author_uri], "object": reply}).status_code == 202
    async def replies(session: Any) -> int:
        return len(list(await session.scalars(select(Status.id).where(Status.in_reply_to_id == int(post.id)))))
    eventually(lambda: query(url, replies) == 1)
    author.status_update(post.id, "팔로워에게만 (수정)")
    [(_, _, inboxes)] = eventually(lambda: deliveries(url, "Update"))
    assert inboxes == {fan.shared_inbox}
    author.status_delete(post.id)
    [(_, _, inboxes)] = eventually(lambda: deliveries(url, "Delete"))
    assert inboxes == {fan.shared_inbox, carol.shared_inbox}


# ---------------------------------------------------------------- forwarding

def test_a_reply_to_a_local_post_is_forwarded_to_the_authors_followers(server: tuple[str, str]) -> None:
    base, url = server
    app = new_app(base)
    author, _, _ = register(base, app)
    author_uri = f"{base}/users/{author.me().username}"
    alice, fan, near = Actor("https://alice.example", "alice"), Actor("https://fan.example", "fan"), \
        Actor("https://alice.example", "near")
    for actor in (alice, fan, near):
        actor.store(url)
    remote_follows(base, fan, author_uri)
    remote_follows(base, near, author_uri)  # on the replier's own server: it has the reply already
    eventually(lambda: author.me().followers_count == 2)
    post = author.status_post("시민 의견을 듣습니다")
    note = {"id": f"{alice.uri}/statuses/7", "type": "Note", "attributedTo": alice.uri, "inReplyTo": post.uri,
            "content": "<p>의견 있습니다</p>", "to": [PUBLIC], "cc": [f"{alice.uri}/followers", author_uri],
            "published": "2026-12-07T01:00:00Z"}
    create = {"id": f"{alice.uri}/statuses/7/activity", "type": "Create", "actor": alice.uri, "to": [PUBLIC],
              "cc": [f"{alice.uri}/followers", author_uri], "object": note}
    assert alice.post(base, create).status_code == 202
    def forwarded_creates() -> list:
        return [d for d in deliveries(url, "Create") if d[0]["actor"] == alice.uri]
    [(forwarded, signer, inboxes)] = eventually(forwarded_creates)
    assert forwarded["id"] == create["id"] and forwarded["object"]["content"] == note["content"]
    assert signer == int(author.me()["id"])  # signed by the local author, as Mastodon forwards
    assert inboxes == {fan.shared_inbox}
    assert alice.post(base, create).status_code == 202  # redelivered: not forwarded again
    delete = {"id": f"{alice.uri}/statuses/7#delete", "type": "Delete", "actor": alice.uri,
              "object": note["id"], "to": [PUBLIC]}
    assert alice.post(base, delete).status_code == 202
    [(_, signer, inboxes)] = eventually(lambda: [d for d in deliveries(url, "Delete") if d[0]["actor"] == alice.uri])
    assert signer == int(author.me()["id"]) and inboxes == {fan.shared_inbox}
    assert len(forwarded_creates()) == 1

    private = {**note, "id": f"{alice.uri}/statuses/8", "to": [f"{alice.uri}/followers"], "cc": [author_uri]}
    assert alice.post(base, {**create, "id": f"{alice.uri}/statuses/8/activity", "object": private}).status_code == 202
    async def stored(session: Any) -> bool:
        return await session.scalar(select(Status.id).where(Status.uri == private["id"])) is not None
    eventually(lambda: query(url, stored))
    import time

    time.sleep(1.0)
    assert len(forwarded_creates()) == 1  # followers-only replies are not forwarded


def test_a_forwarded_activity_is_taken_only_as_its_origin_confirms_it(server: tuple[str, str],
                                                                       origin: Origin) -> None:
    base, url = server
    app = new_app(base)
    author, _, _ = register(base, app)
    author_uri = f"{base}/users/{author.me().username}"
    post = author.status_post("원본 글")
    alice = Actor(origin.base, "alice")
    origin.docs["/users/alice"] = alice.document()
    forwarder = Actor("https://relay.example", "forwarder")
    forwarder.store(url)
    note_path = "/users/alice/statuses/1"
    real = {"@context": CTX, "id": f"{origin.base}{note_path}", "type": "Note", "attributedTo": alice.uri,
            "inReplyTo": post.uri, "content": "<p>진짜 내용</p>", "to": [PUBLIC], "cc": [author_uri],
            "published": "2026-12-07T01:00:00Z"}
    forged = {**real, "content": "<p>위조된 내용</p>"}
    create = {"id": f"{real['id']}/activity", "type": "Create", "actor": alice.uri, "to": [PUBLIC],
              "object": forged}

    # Not at its origin (404): nothing is taken.
    assert forwarder.post(base, create).status_code == 202
    eventually(lambda: note_path in origin.gets)
    import time

    time.sleep(0.5)
    assert author.status(post.id).replies_count == 0

    origin.docs[note_path] = real
    assert forwarder.post(base, {**create, "id": f"{real['id']}/activity2"}).status_code == 202
    eventually(lambda: author.status(post.id).replies_count == 1)
    [reply] = author.status_context(post.id).descendants
    assert "진짜 내용" in reply.content and "위조" not in reply.content
    assert reply.account.acct == f"alice@{alice.domain}"

    # A forwarded Like is not a forward madang takes: the signer must be the actor.
    like = {"id": f"{alice.uri}#likes/1", "type": "Like", "actor": alice.uri, "object": post.uri}
    assert forwarder.post(base, like).status_code == 401

    delete = {"id": f"{real['id']}#delete", "type": "Delete", "actor": alice.uri, "object": real["id"]}
    assert forwarder.post(base, delete).status_code == 202  # still there at its origin: kept
    eventually(lambda: origin.gets.count(note_path) >= 3)
    time.sleep(0.5)
    assert author.status(post.id).replies_count == 1
    origin.docs[note_path] = 410
    assert forwarder.post(base, {**delete, "id": f"{real['id']}#delete2"}).status_code == 202
    eventually(lambda: author.status(post.id).replies_count == 0)


# ---------------------------------------------------------------- pins

def test_pins_go_out_as_add_and_remove_and_come_in_from_their_owner(server: tuple[str, str],
                                                                    origin: Origin) -> None:
    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    local_uri = f"{base}/users/{local.me().username}"
    fan = Actor("https://fan.example", "fan")
    fan.store(url)
    remote_follows(base, fan, local_uri)
    eventually(lambda: local.me().followers_count == 1)
    post = local.status_post("고정할 공지")
    local.status_pin(post.id)
    [(add, _, inboxes)] = eventually(lambda: deliveries(url, "Add"))
    assert add["object"] == post.uri and add["target"] == f"{local_uri}/collections/featured"
    assert inboxes == {fan.shared_inbox}
    local.status_unpin(post.id)
    [(remove, _, _)] = eventually(lambda: deliveries(url, "Remove"))
    assert remove["object"] == post.uri and remove["target"] == add["target"]
    quiet = local.status_post("팔로워 공지", visibility="private")
    local.status_pin(quiet.id)  # not public: no Add
    import time

    time.sleep(0.5)
    assert len(deliveries(url, "Add")) == 1

    alice = Actor(origin.base, "alice")
    alice_id = alice.store(url)
    note_path = "/users/alice/statuses/5"
    origin.docs[note_path] = {"@context": CTX, "id": f"{origin.base}{note_path}", "type": "Note",
                              "attributedTo": alice.uri, "content": "<p>고정된 글</p>", "to": [PUBLIC],
                              "published": "2026-12-07T01:00:00Z"}
    featured = f"{alice.uri}/collections/featured"
    mallory = Actor("https://mallory.example", "mallory")
    mallory.store(url)
    add = {"id": f"{alice.uri}#adds/1", "type": "Add", "actor": alice.uri, "object": f"{origin.base}{note_path}",
           "target": featured}
    # Only the collection's owner: mallory's Add to alice's collection is refused or ignored.
    assert mallory.post(base, {**add, "actor": mallory.uri, "id": f"{mallory.uri}#adds/1"}).status_code in (202, 400)
    assert alice.post(base, add).status_code == 202
    pinned = eventually(lambda: local.account_statuses(alice_id, pinned=True))
    assert [s.uri for s in pinned] == [f"{origin.base}{note_path}"]
    wrong = {**add, "id": f"{alice.uri}#adds/2", "target": f"{alice.uri}/collections/tags"}
    assert alice.post(base, wrong).status_code == 202
    remove = {"id": f"{alice.uri}#removes/1", "type": "Remove", "actor": alice.uri,
              "object": f"{origin.base}{note_path}", "target": featured}
    assert alice.post(base, remove).status_code == 202
    eventually(lambda: local.account_statuses(alice_id, pinned=True) == [])


# ---------------------------------------------------------------- moves

def test_a_remote_move_moves_local_followers_once_the_new_account_names_the_old(
        server: tuple[str, str], origin: Origin) -> None:
    base, url = server
    app = new_app(base)
    local, _, _ = register(base, app)
    old, new = Actor(origin.base, "old"), Actor(origin.base, "new")
    old_id = old.store(url)
    follow_locally(base, local, old, old_id)
    move = {"id": f"{old.uri}#moves/1", "type": "Move", "actor": old.uri, "object": old.uri, "target": new.uri}

    origin.docs["/users/new"] = new.document()  # no alsoKnownAs: the move is not taken
    assert old.post(base, move).status_code == 202
    eventually(lambda: "/users/new" in origin.gets)
    import time

    time.sleep(0.5)
    assert local.account_relationships(old_id)[0].following
    assert local.account(old_id).get("moved") is None

    origin.docs["/users/new"] = new.document(alsoKnownAs=[old.uri])
    assert old.post(base, {**move, "id": f"{old.uri}#moves/2"}).status_code == 202
    moved = eventually(lambda: local.account(old_id).get("moved"))
    assert moved["acct"] == f"new@{new.domain}"
    new_id_ = int(moved["id"])
    relationship = eventually(lambda: (r := local.account_relationships(new_id_)[0]).requested and r)
    assert not relationship.following  # a remote follow waits for its Accept
    assert not local.account_relationships(old_id)[0].following
    eventually(lambda: [b for b, _, _ in deliveries(url, "Undo") if b["object"]["object"] == old.uri])
    eventually(lambda: [b for b, _, _ in deliveries(url, "Follow") if b["object"] == new.uri])


# ---------------------------------------------------------------- FEP-8fcf

def test_a_followers_digest_that_differs_repairs_the_follows(server: tuple[str, str], origin: Origin) -> None:
    base, url = server
    app = new_app(base)
    kept, _, _ = register(base, app)
    dropped, _, _ = register(base, app)
    stranger, _, _ = register(base, app)
    alice = Actor(origin.base, "alice")
    alice_id = alice.store(url)
    follow_locally(base, kept, alice, alice_id)
    follow_locally(base, dropped, alice, alice_id)
    kept_uri, stranger_uri = f"{base}/users/{kept.me().username}", f"{base}/users/{stranger.me().username}"
    # alice's server knows kept (right), not dropped (lost), and stranger (who follows nobody here).
    origin.docs["/users/alice/followers_synchronization"] = {
        "@context": CTX, "id": f"{alice.uri}/followers?domain=x", "type": "OrderedCollection",
        "orderedItems": [kept_uri, stranger_uri]}
    sync = (f'collectionId="{alice.uri}/followers", url="{alice.uri}/followers_synchronization", '
            f'digest="{followers_digest([kept_uri, stranger_uri])}"')
    note = {"id": f"{alice.uri}/statuses/9", "type": "Note", "attributedTo": alice.uri, "content": "<p>팔로워만</p>",
            "to": [f"{alice.uri}/followers"], "published": "2026-12-07T01:00:00Z"}
    create = {"id": f"{note['id']}/activity", "type": "Create", "actor": alice.uri,
              "to": [f"{alice.uri}/followers"], "object": note}
    assert alice.post(base, create, extra={"Collection-Synchronization": sync}).status_code == 202
    eventually(lambda: not dropped.account_relationships(alice_id)[0].following)
    assert kept.account_relationships(alice_id)[0].following
    stranger_id = int(stranger.me()["id"])

    def undo_for_stranger() -> bool:
        return any(b["object"]["type"] == "Follow" and b["actor"] == stranger_uri and signer == stranger_id
                   for b, signer, _ in deliveries(url, "Undo"))
    eventually(undo_for_stranger)

    async def rows(session: Any) -> tuple[int, int]:
        follows = len(list(await session.scalars(select(Follow.id).where(Follow.target_account_id == alice_id))))
        requests = len(list(await session.scalars(select(FollowRequest.id)
                                                  .where(FollowRequest.target_account_id == alice_id))))
        return follows, requests
    assert query(url, rows) == (1, 0)
    # The same digest again (now matching ours? no: stranger is listed) is not refetched within the hour.
    gets = origin.gets.count("/users/alice/followers_synchronization")
    assert alice.post(base, {**create, "id": f"{note['id']}/activity2",
                             "object": {**note, "id": f"{alice.uri}/statuses/10"}},
                      extra={"Collection-Synchronization": sync}).status_code == 202
    import time

    time.sleep(1.0)
    assert origin.gets.count("/users/alice/followers_synchronization") == gets
