"""Delivery to real inboxes on loopback: signed POSTs that verify with the sender's key, inboxes
deduplicated and chunked, Mastodon's retry schedule and give-ups, per-host failure days and
unavailability, and nothing written for a rolled-back change. Plus the transport's signed GETs."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from madang.core.clock import Clock, FrozenClock, set_clock, utcnow
from madang.core.settings import Settings
from madang.db import Database
from madang.federation import delivery
from madang.federation.delivery import (
    DELIVER_JOB,
    enqueue_delivery,
    followers_digest,
    followers_sync_headers,
    retry_delay,
)
from madang.federation.keys import MAKE_KEYS_JOB, find_actor_key, get_or_create_actor_key
from madang.federation.signatures import check_digest, parse_signature, verify_signature
from madang.federation.transport import FetchFailed, Gone, Transport, federation_policy
from madang.jobs import enqueue
from madang.models import Account, ActorKey, DomainBlock, FederatedDomain, Job, OutgoingActivity
from madang.net import OutboundError, Refused
from tests.accounts.factories import make_account
from tests.factories import run_jobs

LOCAL = "https://madang.example"
ACTIVITY = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{LOCAL}/activities/1", "type": "Create",
            "actor": f"{LOCAL}/users/anyang", "object": {"type": "Note", "content": "안양 소식"}}


@dataclass
class Received:
    host: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Inboxes:
    """Plain-HTTP servers on loopback addresses (one per "domain"), answering by path:
    /ok/… 202, /down/… 500, /gone/… 404, /flaky/… 500 then 202; GET /actor… a JSON document."""

    def __init__(self, addresses: tuple[str, ...] = ("127.0.0.1", "127.0.0.2", "127.0.0.3")) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.servers = {}
        self.flaky_seen: set[str] = set()
        for address in addresses:
            server = ThreadingHTTPServer((address, 0), self._handler())
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[address] = server

    def url(self, address: str, path: str) -> str:
        return f"http://{address}:{self.servers[address].server_address[1]}{path}"

    def posts(self, path_prefix: str = "/") -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.method == "POST" and r.path.startswith(path_prefix)]

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        inboxes = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _record(self, body: bytes) -> None:
                with inboxes.lock:
                    inboxes.received.append(Received(self.server.server_address[0], self.command, self.path,
                                                     {k.lower(): v for k, v in self.headers.items()}, body))

            def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain",
                        extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self._record(body)
                if self.path.startswith("/ok/"):
                    self._answer(202)
                elif self.path.startswith("/gone/"):
                    self._answer(404)
                elif self.path.startswith("/flaky/"):
                    with inboxes.lock:
                        first = self.path not in inboxes.flaky_seen
                        inboxes.flaky_seen.add(self.path)
                    self._answer(500 if first else 202)
                else:
                    self._answer(500)

            def do_GET(self) -> None:  # noqa: N802
                self._record(b"")
                doc = json.dumps({"id": "x", "type": "Person"}).encode()
                if self.path.startswith("/actor"):
                    self._answer(200, doc, "application/activity+json; charset=utf-8")
                elif self.path.startswith("/ld"):
                    self._answer(200, doc, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
                elif self.path.startswith("/html"):
                    self._answer(200, b"<html></html>", "text/html")
                elif self.path.startswith("/plain-json"):
                    self._answer(200, doc, "application/json")
                elif self.path.startswith("/list"):
                    self._answer(200, b"[1, 2]", "application/activity+json")
                elif self.path.startswith("/moved"):
                    self._answer(301, extra={"Location": "/actor?from=moved"})
                elif self.path.startswith("/deleted"):
                    self._answer(410)
                else:
                    self._answer(404)

        return Handler


@pytest.fixture
def inboxes() -> Iterator[Inboxes]:
    servers = Inboxes()
    yield servers
    servers.close()


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())


def settings() -> Settings:
    return Settings(domain="madang.example", scheme="https", federation_allowed_hosts="127.0.0.0/8",
                    secret_key=secrets.token_urlsafe(32))


@pytest.fixture
def attached(db: Database) -> Database:
    delivery.attach(db, settings(), allow_http=True)  # the loopback inboxes speak plain http
    return db


async def _sender(db: Database) -> tuple[Account, ActorKey]:
    async with db.write() as s:
        account = await make_account(s)
        key = await get_or_create_actor_key(s, account.id)
    return account, key


async def _jobs(db: Database, state: str | None = None) -> list[Job]:
    async with db.read() as s:
        query = select(Job).where(Job.name == DELIVER_JOB).order_by(Job.id)
        if state:
            query = query.where(Job.state == state)
        return list(await s.scalars(query))


async def _domain(db: Database, host: str) -> FederatedDomain | None:
    async with db.read() as s:
        return await s.scalar(select(FederatedDomain).where(FederatedDomain.domain == host))


def _verifies(post: Received, public_pem: str) -> bool:
    path, _, query = post.path.partition("?")
    parsed = parse_signature("POST", path, query, post.headers, scheme="http")
    check_digest(parsed, post.headers, post.body)
    return verify_signature(parsed, public_pem)


async def test_each_inbox_gets_one_signed_post(attached: Database, inboxes: Inboxes) -> None:
    db = attached
    account, key = await _sender(db)
    ok_a, ok_b = inboxes.url("127.0.0.1", "/ok/inbox"), inboxes.url("127.0.0.2", "/ok/users/x/inbox")
    sync = followers_sync_headers(collection_id=f"{account.uri}/followers", url=f"{account.uri}/followers_sync",
                                  follower_uris=["http://127.0.0.1/users/a", "http://127.0.0.1/users/b",
                                                 "https://elsewhere.example/users/c"],
                                  inboxes=[ok_a, ok_b])
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL, followers_sync=sync,
                               inboxes=[ok_a, ok_b, ok_a, f"{LOCAL}/inbox", f"{LOCAL}/users/y/inbox",
                                        "ftp://127.0.0.1/inbox", "not a url"])
    assert len(await _jobs(db)) == 1
    await run_jobs(db)
    posts = inboxes.posts()
    assert sorted(p.host for p in posts) == ["127.0.0.1", "127.0.0.2"]
    for post in posts:
        assert _verifies(post, key.public_pem)
        assert json.loads(post.body) == ACTIVITY
        assert post.headers["content-type"] == "application/activity+json"
        assert f'keyId="{account.uri}#main-key"' in post.headers["signature"]
    header = next(p for p in posts if p.host == "127.0.0.1").headers["collection-synchronization"]
    assert followers_digest(["http://127.0.0.1/users/b", "http://127.0.0.1/users/a"]) in header
    assert "collection-synchronization" in post.headers["signature"]  # signed, as Mastodon signs it
    assert [j.state for j in await _jobs(db)] == ["done"]
    assert await _domain(db, "127.0.0.1") is None  # a healthy fan-out writes no domain rows


async def test_a_thousand_inboxes_share_one_payload_in_twenty_jobs(db: Database) -> None:
    async with db.write() as s:
        s.add(FederatedDomain(domain="dead.example", failure_days=[], unavailable_at=utcnow(), created_at=utcnow()))
        s.add(DomainBlock(domain="blocked.example", severity="suspend", created_at=utcnow()))
        s.add(DomainBlock(domain="quiet.example", severity="silence", created_at=utcnow()))
    targets = [f"https://s{i}.example/inbox" for i in range(1000)]
    skipped = ["https://dead.example/inbox", "https://blocked.example/inbox", "https://a.blocked.example/inbox"]
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL,
                               inboxes=targets + targets[:10] + skipped + ["https://quiet.example/inbox"])
    jobs = await _jobs(db)
    assert len(jobs) == 21  # 1,001 inboxes, 50 a job
    sent = [inbox for job in jobs for inbox in job.payload["inboxes"]]
    assert len(sent) == len(set(sent)) == 1001 and not set(skipped) & set(sent)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(OutgoingActivity)) == 1
    async with db.write() as s:  # every target skipped: nothing at all is written
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL, inboxes=skipped)
    assert len(await _jobs(db)) == 21


async def test_a_rolled_back_change_delivers_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.write() as s:
            await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL,
                                   inboxes=["https://s1.example/inbox"])
            raise RuntimeError("the post failed")
    assert await _jobs(db) == []
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(OutgoingActivity)) == 0


async def test_failures_retry_on_mastodons_schedule_and_404_gives_up(attached: Database, inboxes: Inboxes,
                                                                      frozen: FrozenClock) -> None:
    db = attached
    account, key = await _sender(db)
    ok, down, gone = (inboxes.url("127.0.0.1", "/ok/inbox"), inboxes.url("127.0.0.2", "/down/inbox"),
                      inboxes.url("127.0.0.3", "/gone/inbox"))
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL,
                               inboxes=[ok, down, gone])
    await run_jobs(db)
    assert len(inboxes.posts()) == 3 and all(_verifies(p, key.public_pem) for p in inboxes.posts())
    pending = await _jobs(db, "pending")
    assert [j.payload["inboxes"] for j in pending] == [[down]]  # no retry for the 404
    assert pending[0].payload["retries"] == 1
    assert pending[0].run_at >= utcnow() + timedelta(seconds=15)
    day = utcnow().date().isoformat()
    assert (await _domain(db, "127.0.0.2")).failure_days == [day]  # type: ignore[union-attr]
    assert await _domain(db, "127.0.0.3") is None  # a give-up is not a failure of the host
    assert await _domain(db, "127.0.0.1") is None

    # Down on 7 distinct days: the host is marked unavailable and its next retry is dropped.
    for _ in range(7):
        frozen.advance(days=1)
        await run_jobs(db)
    record = await _domain(db, "127.0.0.2")
    assert record is not None and record.unavailable_at is not None and len(record.failure_days) == 7
    assert len(inboxes.posts("/down/")) == 7
    assert await _jobs(db, "pending") == []
    async with db.write() as s:  # and new deliveries leave it out
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL, inboxes=[down])
    assert await _jobs(db, "pending") == []


async def test_a_success_clears_the_hosts_failure_days(attached: Database, inboxes: Inboxes,
                                                        frozen: FrozenClock) -> None:
    db = attached
    account, _key = await _sender(db)
    flaky = inboxes.url("127.0.0.2", "/flaky/inbox")
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL, inboxes=[flaky])
    await run_jobs(db)
    assert (await _domain(db, "127.0.0.2")).failure_days != []  # type: ignore[union-attr]
    frozen.advance(seconds=20)
    await run_jobs(db)
    record = await _domain(db, "127.0.0.2")
    assert record is not None and record.failure_days == [] and record.unavailable_at is None
    assert record.last_success_at == utcnow()
    assert len(inboxes.posts("/flaky/")) == 2 and await _jobs(db, "pending") == []


async def test_retries_stop_after_sixteen(attached: Database, inboxes: Inboxes) -> None:
    db = attached
    account, _key = await _sender(db)
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=account.id, local_prefix=LOCAL,
                               inboxes=[inboxes.url("127.0.0.2", "/down/inbox")])
    job = (await _jobs(db))[0]
    async with db.write() as s:
        job_row = await s.get(Job, job.id)
        job_row.payload = {**job.payload, "retries": 16}  # type: ignore[union-attr]
    await run_jobs(db)
    assert len(inboxes.posts()) == 1 and await _jobs(db, "pending") == []


def test_retry_delays_are_mastodons() -> None:
    assert retry_delay(0) == 15
    assert 16 <= retry_delay(1) <= 16.5
    for n, base in ((5, 625 + 15), (9, 6561 + 15), (15, 50625 + 15)):
        for _ in range(20):
            assert base <= retry_delay(n) <= base + 0.5 * n ** 4
    assert delivery.classify(202) is delivery.Outcome.DELIVERED
    for status in (401, 408, 429, 500, 502, 503):
        assert delivery.classify(status) is delivery.Outcome.RETRY
    for status in (400, 403, 404, 410, 422, 501):
        assert delivery.classify(status) is delivery.Outcome.GIVE_UP


def test_followers_digest_is_fep_8fcf() -> None:
    # FEP-8fcf's example: the XOR of two SHA-256 sums, in either order.
    import hashlib

    a, b = "https://example.org/users/1", "https://example.org/users/2"
    expected = bytes(x ^ y for x, y in zip(hashlib.sha256(a.encode()).digest(), hashlib.sha256(b.encode()).digest(),
                                           strict=True)).hex()
    assert followers_digest([a, b]) == followers_digest([b, a]) == expected
    assert followers_digest([]) == "0" * 64


async def test_make_keys_gives_local_accounts_keys_in_batches(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from madang.federation import keys

    monkeypatch.setattr(keys, "MAKE_KEYS_BATCH", 2)  # three accounts: two runs and a last empty one
    async with db.write() as s:
        local = [await make_account(s) for _ in range(3)]
        now = utcnow()
        remote = Account(username="far", domain="far.example", acct_key="far@far.example", created_at=now,
                         updated_at=now, uri="https://far.example/users/far")
        s.add(remote)
        await enqueue(s, MAKE_KEYS_JOB, {})
    await run_jobs(db)
    async with db.read() as s:
        keys_made = [await find_actor_key(s, a.id) for a in local]
        assert all(k is not None and "PRIVATE KEY" in k.private_pem for k in keys_made)
        assert await find_actor_key(s, remote.id) is None
        # The batch job ran twice (a sign-up's own delayed runs, 30 s on, are not due yet).
        assert await s.scalar(select(func.count()).select_from(Job).where(
            Job.name == MAKE_KEYS_JOB, Job.state == "done")) == 2
    async with db.write() as s:  # the instance actor's, made once
        first = await get_or_create_actor_key(s, None)
    async with db.write() as s:
        assert (await get_or_create_actor_key(s, None)).id == first.id


# --- the transport ---------------------------------------------------------------------------------


async def test_transport_signs_gets_and_checks_what_comes_back(inboxes: Inboxes) -> None:
    from madang.federation.keys import generate_key_pair

    private_pem, public_pem = generate_key_pair()
    policy = federation_policy(settings())
    sign = {"key_id": f"{LOCAL}/actor#main-key", "private_pem": private_pem}
    async with Transport(policy, allow_http=True) as transport:
        assert await transport.get_json(inboxes.url("127.0.0.1", "/actor"), **sign) == {"id": "x", "type": "Person"}
        assert (await transport.get_json(inboxes.url("127.0.0.1", "/ld"), **sign))["type"] == "Person"
        assert (await transport.get_json(inboxes.url("127.0.0.1", "/moved"), **sign))["id"] == "x"
        for path in ("/html", "/plain-json", "/list", "/nothing"):
            with pytest.raises(FetchFailed) as failed:
                await transport.get_json(inboxes.url("127.0.0.1", path), **sign)
            assert not isinstance(failed.value, Gone)
        with pytest.raises(Gone):
            await transport.get_json(inboxes.url("127.0.0.1", "/deleted"), **sign)
        assert (await transport.get_json(inboxes.url("127.0.0.1", "/plain-json"), **sign,
                                         accept="application/jrd+json, application/json"))["id"] == "x"
    gets = [r for r in inboxes.received if r.method == "GET"]
    for get in gets:
        path, _, query = get.path.partition("?")
        parsed = parse_signature("GET", path, query, get.headers, scheme="http")
        assert parsed.covered == ("(request-target)", "host", "date", "accept")
        assert verify_signature(parsed, public_pem)
    assert any(g.path == "/actor?from=moved" for g in gets)  # the redirect's hop signed anew


async def test_transport_reaches_remote_servers_over_https_only(inboxes: Inboxes) -> None:
    private_pem, _ = generate_pair()
    strict = Transport(federation_policy(settings()))
    async with strict:
        with pytest.raises(Refused):
            await strict.get_json(inboxes.url("127.0.0.1", "/actor"), key_id="k", private_pem=private_pem)
        with pytest.raises(Refused):
            await strict.post_activity(inboxes.url("127.0.0.1", "/ok/inbox"), b"{}", key_id="k", private_pem=private_pem)
    # Not in MADANG_FEDERATION_ALLOWED_HOSTS: loopback is refused before any connection.
    closed = Settings(domain="madang.example", scheme="https", secret_key=secrets.token_urlsafe(32))
    async with Transport(federation_policy(closed), allow_http=True) as transport:
        with pytest.raises(Refused):
            await transport.post_activity(inboxes.url("127.0.0.1", "/ok/inbox"), b"{}", key_id="k",
                                          private_pem=private_pem)
    assert inboxes.received == []


def generate_pair() -> tuple[str, str]:
    from madang.federation.keys import generate_key_pair

    return generate_key_pair()


def _lab_ca(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it, as the lab's make_ca.sh makes them."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "madang lab CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture
def tls_inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inboxes, Path]]:
    import ssl

    from madang.net import guarded

    ca, cert, key = _lab_ca(tmp_path)
    servers = Inboxes(("127.0.0.1",))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = servers.servers["127.0.0.1"]
    server.socket = context.wrap_socket(server.socket, server_side=True)
    guarded._context.cache_clear()
    yield servers, ca
    guarded._context.cache_clear()
    servers.close()


async def test_https_inboxes_are_trusted_through_ssl_cert_file(tls_inbox: tuple[Inboxes, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from madang.net import guarded

    servers, ca = tls_inbox
    private_pem, public_pem = generate_pair()
    url = servers.url("127.0.0.1", "/ok/inbox").replace("http://", "https://")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    async with Transport(federation_policy(settings())) as transport:  # the lab CA is unknown: refused
        with pytest.raises(OutboundError):
            await transport.post_activity(url, b"{}", key_id="k", private_pem=private_pem)
    assert servers.posts() == []
    guarded._context.cache_clear()
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    async with Transport(federation_policy(settings())) as transport:
        assert await transport.post_activity(url, b"{}", key_id="k", private_pem=private_pem) == 202
    [post] = servers.posts()
    assert _verifies(post, public_pem)


async def test_rotating_a_key_replaces_it_in_place(db: Database) -> None:
    from madang.federation.keys import rotate_actor_key

    account, key = await _sender(db)
    async with db.write() as s:
        rotated = await rotate_actor_key(s, account.id)
    async with db.read() as s:
        now_key = await find_actor_key(s, account.id)
    assert now_key is not None and now_key.id == key.id == rotated.id
    assert now_key.public_pem != key.public_pem and now_key.private_pem != key.private_pem


async def test_stored_activities_are_pruned_after_their_last_retry(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        await enqueue_delivery(s, activity=ACTIVITY, account_id=None, local_prefix=LOCAL,
                               inboxes=["https://s1.example/inbox"])
        await delivery.schedule_outgoing_pruning(s)
    async with db.write() as s:
        await delivery.schedule_outgoing_pruning(s)  # once is enough
    frozen.advance(days=3)
    async with db.write() as s:
        assert await delivery.prune_outgoing_activities(s) == 0
    frozen.advance(days=2)
    async with db.write() as s:
        assert await delivery.prune_outgoing_activities(s) == 1
        assert await s.scalar(select(func.count()).select_from(Job).where(Job.name == delivery.PRUNE_JOB)) == 1


async def test_a_signed_post_from_a_host_makes_it_reachable_again(db: Database) -> None:
    async with db.write() as s:
        s.add(FederatedDomain(domain="back.example", failure_days=["2026-12-01"], unavailable_at=utcnow(),
                              created_at=utcnow()))
    async with db.write() as s:
        await delivery.mark_domain_reachable(s, "Back.example")
        await delivery.mark_domain_reachable(s, "never-seen.example")
    record = await _domain(db, "back.example")
    assert record is not None and record.failure_days == [] and record.unavailable_at is None
    assert await _domain(db, "never-seen.example") is None
