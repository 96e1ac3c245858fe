"""Federation speed (issue 14), against `madang serve` (one process, embedded worker, SQLite):

outgoing  An account followed from N remote servers (fake shared inboxes, one per loopback
          address 127.0.x.y, served over TLS by one helper process that answers 202) posts
          through the API; how long until every server got the signed Create? Meanwhile
          another account posts in a loop: posting latency during delivery vs idle (p50/p99).
incoming  K remote actors (keys known, so no key fetch) send M signed Create activities to
          the shared inbox, C at a time: accepted per second, and how long until every one
          is a stored status (processing keeping up, nothing lost).

    .venv/bin/python bench/federation_bench.py outgoing [--servers 1000]
    .venv/bin/python bench/federation_bench.py incoming [--activities 3000] [--concurrency 32]
    .venv/bin/python bench/federation_bench.py incoming --wrk --accept-only --drain [--profile-drain F]

--drain   after an --accept-only run, the server stops and one worker process (the `madang
          worker` setup, in this script) runs the queued `federation.receive` jobs until none
          is left: processed per second (wall and CPU), and every distinct accepted Create
          must be exactly one status (redeliveries in the queue store nothing twice).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import ipaddress
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server as serving  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
AS2 = "application/activity+json"


# --- certificates for the fake inboxes -------------------------------------------------------

def make_certificates(folder: Path, addresses: list[str]) -> tuple[Path, Path, Path]:
    """A CA and one certificate naming every address (IP SANs); madang trusts the CA through
    SSL_CERT_FILE, as in the lab, with certificate checks on."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "madang bench CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "inboxes")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "inbox.pem", folder / "inbox.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return ca_pem, cert_pem, key_pem


INBOX_APP = r'''
import collections, json, sys
hosts = collections.Counter()
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"}); return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "POST":
        signed = any(k == b"signature" for k, _ in scope["headers"])
        host = dict(scope["headers"]).get(b"host", b"").decode()
        if signed:
            hosts[host] += 1
        answer = b""
    else:
        answer = json.dumps({"hosts": len(hosts), "posts": sum(hosts.values())}).encode()
    await send({"type": "http.response.start", "status": 202 if scope["method"] == "POST" else 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})
'''


def addresses_for(n: int) -> list[str]:
    return [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(n)]


# --- seeding -----------------------------------------------------------------------------------

def seed_database(db: Path, *, base: str, followers: list[tuple[str, str]], remote_keys: int = 0) -> dict:
    """Migrate, then write the author, a second local poster and the remote followers directly."""
    subprocess.run([str(ROOT / ".venv/bin/madang"), "migrate"], env={**os.environ,
                   "MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}, check=True, capture_output=True)
    code = r'''
import asyncio, json, sys
from madang.db import Database
from madang.auth.tokens import issue_token
from madang.accounts import register_account
from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.federation.keys import generate_key_pair, get_or_create_actor_key
from madang.models import Account, Follow
spec = json.loads(sys.stdin.read())
async def main():
    db = Database(spec["url"])
    out = {"tokens": [], "remote": []}
    async with db.write() as s:
        for name in ("author", "poster"):
            account, _ = await register_account(s, username=name, email=f"{name}@bench.example", password="benchmark-pw-1",
                                                base_url=spec["base"])
            out["tokens"].append((await issue_token(s, application=None, account=account, scopes=["read", "write"])).token)
            await get_or_create_actor_key(s, account.id)
            if name == "author":
                author = account
        now = utcnow()
        for i, (host, inbox) in enumerate(spec["followers"]):
            uri = f"https://{host}/users/f{i}"
            remote = Account(id=new_id(), username=f"f{i}", domain=host, acct_key=f"f{i}@{host}", uri=uri,
                             inbox_url=inbox, shared_inbox_url=inbox, created_at=now, updated_at=now, fetched_at=now)
            s.add(remote)
            await s.flush()
            s.add(Follow(id=new_id(), account_id=remote.id, target_account_id=author.id, created_at=now, remote=True))
        author.followers_count = len(spec["followers"])
        for i in range(spec["remote_keys"]):
            private_pem, public_pem = generate_key_pair()
            host = "remote.bench.example"
            uri = f"https://{host}/users/r{i}"
            s.add(Account(id=new_id(), username=f"r{i}", domain=host, acct_key=f"r{i}@{host}", uri=uri,
                          inbox_url=f"{uri}/inbox", public_key_id=f"{uri}#main-key", public_key_pem=public_pem,
                          followers_url=f"{uri}/followers", created_at=now, updated_at=now, fetched_at=now))
            out["remote"].append((uri, private_pem))
        # A local follower of every remote actor, so their posts are kept (Mastodon's relevance rule).
    async with db.write() as s:
        from sqlalchemy import select
        poster = await s.scalar(select(Account).where(Account.acct_key == "poster"))
        for uri, _ in out["remote"]:
            remote = await s.scalar(select(Account).where(Account.uri == uri))
            s.add(Follow(id=new_id(), account_id=poster.id, target_account_id=remote.id, created_at=utcnow()))
    await db.dispose()
    print(json.dumps(out))
asyncio.run(main())
'''
    done = subprocess.run([str(PY), "-c", code], input=json.dumps({
        "url": f"sqlite+aiosqlite:///{db}", "base": base, "followers": followers, "remote_keys": remote_keys}),
        capture_output=True, text=True, check=True, cwd=str(ROOT))
    return json.loads(done.stdout.strip().splitlines()[-1])


def post(url: str, token: str, text: str) -> float:
    import httpx

    started = time.perf_counter()
    r = httpx.post(f"{url}/api/v1/statuses", data={"status": text}, headers={"Authorization": f"Bearer {token}"},
                   timeout=30)
    r.raise_for_status()
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def outgoing(args: argparse.Namespace) -> None:
    import httpx

    folder = Path(tempfile.mkdtemp(prefix="madang-fedbench-"))
    addresses = addresses_for(args.servers)
    ca, cert, key = make_certificates(folder, addresses)
    port = serving.free_port()
    (folder / "inboxes.py").write_text(INBOX_APP)
    inboxes = subprocess.Popen([str(PY), "-m", "uvicorn", "inboxes:app", "--host", "0.0.0.0", "--port", str(port),
                                "--ssl-certfile", str(cert), "--ssl-keyfile", str(key), "--log-level", "warning",
                                "--no-access-log"], cwd=str(folder), start_new_session=True)
    followers = [(a, f"https://{a}:{port}/inbox") for a in addresses]
    db = folder / "bench.sqlite3"
    seeded = seed_database(db, base="http://127.0.0.1:8000", followers=followers)
    madang = serving.start(str(db), log_dir=str(folder), extra_env={
        "SSL_CERT_FILE": str(ca), "MADANG_FEDERATION_ALLOWED_HOSTS": "127.0.0.0/8", "MADANG_ACCESS_LOG": "false"})
    try:
        time.sleep(2)
        author, poster = seeded["tokens"]
        idle = [post(madang.url, poster, f"한가할 때 {i}") for i in range(args.samples)]
        started = time.perf_counter()
        post(madang.url, author, "안양시 공지: 모든 팔로워 서버로 #안양")
        during: list[float] = []
        delivered = 0
        stats_url = f"https://{addresses[0]}:{port}/stats"
        with httpx.Client(verify=str(ca)) as client:
            while time.perf_counter() - started < args.timeout:
                during.append(post(madang.url, poster, f"전달 중 {len(during)}"))
                delivered = client.get(stats_url).json()["hosts"]
                if delivered >= args.servers:
                    break
        took = time.perf_counter() - started
        print(json.dumps({
            "servers": args.servers, "delivered_hosts": delivered, "seconds_to_deliver_all": round(took, 2),
            "idle_post_ms": {"p50": round(statistics.median(idle) * 1000, 1), "p99": round(percentile(idle, 99) * 1000, 1)},
            "during_post_ms": {"n": len(during), "p50": round(statistics.median(during) * 1000, 1),
                               "p99": round(percentile(during, 99) * 1000, 1)},
        }, indent=1))
        conn = sqlite3.connect(db)
        print("deliver jobs:", conn.execute("select state, count(*) from jobs where name='federation.deliver' group by state").fetchall())
    finally:
        madang.stop()
        inboxes.terminate()


def incoming(args: argparse.Namespace) -> None:
    import httpx

    sys.path.insert(0, str(ROOT / "src"))
    from madang.federation.signatures import sign_headers

    folder = Path(tempfile.mkdtemp(prefix="madang-fedbench-"))
    db = folder / "bench.sqlite3"
    port = serving.free_port()
    base = f"http://127.0.0.1:{port}"
    seeded = seed_database(db, base=base, followers=[], remote_keys=args.actors)
    remote = seeded["remote"]
    bodies = []
    for i in range(args.activities):
        uri, private_pem = remote[i % len(remote)]
        note = f"{uri}/statuses/{i}"
        activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note}/activity", "type": "Create",
                    "actor": uri, "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{uri}/followers"],
                    "object": {"id": note, "type": "Note", "attributedTo": uri, "content": f"<p>안양 소식 {i} #안양</p>",
                               "published": "2026-12-07T01:00:00Z", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                               "cc": [f"{uri}/followers"], "tag": [{"type": "Hashtag", "name": "#안양"}]}}
        raw = json.dumps(activity, ensure_ascii=False).encode()
        bodies.append((raw, uri, private_pem))
    serving.free_port = lambda: port  # start() below takes the port the activities were signed for
    env = {"MADANG_ACCESS_LOG": "false", "MADANG_FEDERATION_INBOX_PER_5MIN": "1000000"}
    if args.accept_only:
        env["MADANG_EMBEDDED_WORKER"] = "false"  # the inbox alone: jobs wait for a worker
    command = None
    if args.profile:  # the server under cProfile (written when it stops): where does the time go?
        command = [str(PY), "-m", "cProfile", "-o", args.profile, "-m", "uvicorn", "madang.asgi:app",
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    madang = serving.start(str(db), log_dir=str(folder), extra_env=env, command=command)
    try:
        time.sleep(2)
        signed = [(raw, sign_headers(method="POST", url=f"{base}/inbox", body=raw, key_id=f"{uri}#main-key",
                                     private_pem=pem, headers={"Content-Type": AS2})) for raw, uri, pem in bodies]

        async def send_all() -> list[int]:
            limits = httpx.Limits(max_connections=args.concurrency)
            async with httpx.AsyncClient(limits=limits, timeout=60) as client:
                semaphore = asyncio.Semaphore(args.concurrency)

                async def one(raw: bytes, headers: dict) -> int:
                    async with semaphore:
                        return (await client.post(f"{base}/inbox", content=raw, headers=headers)).status_code
                return await asyncio.gather(*(one(raw, h) for raw, h in signed))

        if args.wrk:
            table = folder / "activities.tsv"
            with table.open("w") as out:
                for raw, headers in signed:
                    out.write(f"{headers['Date']}\t{headers['Digest']}\t{headers['Signature']}\t{raw.decode()}\n")
            ran = subprocess.run(["wrk", "-t1", f"-c{args.concurrency}", f"-d{args.seconds}s", "--latency", "-s",
                                  str(ROOT / "bench/wrk/inbox.lua"), base, "--", str(table)],
                                 capture_output=True, text=True)
            print(ran.stdout)
            conn = sqlite3.connect(db)
            written = conn.execute("select count(*) from jobs where name='federation.receive'").fetchone()[0]
            print("receive jobs written:", written)
            if not args.accept_only:  # processing: how long until every job ran, nothing lost
                waited = time.perf_counter()
                while time.perf_counter() - waited < args.timeout:
                    left = conn.execute("select count(*) from jobs where name='federation.receive' "
                                        "and state in ('pending','running')").fetchone()[0]
                    if not left:
                        break
                    time.sleep(0.5)
                stored = conn.execute("select count(*) from statuses where local = 0").fetchone()[0]
                failed = conn.execute("select count(*) from jobs where state='failed'").fetchone()[0]
                unique = min(written, len(signed))
                print(json.dumps({"jobs_left": left, "seconds_after_sending": round(time.perf_counter() - waited, 1),
                                  "stored": stored, "distinct_sent_at_most": unique, "failed_jobs": failed}))
            elif args.drain:
                conn.close()
                madang.stop()
                cmd = [str(PY), str(Path(__file__).resolve()), "drain", "--db", str(db), "--base", base]
                if args.profile_drain:
                    cmd += ["--profile", args.profile_drain]
                if args.batch:
                    cmd += ["--batch", str(args.batch)]
                subprocess.run(cmd, check=True, cwd=str(ROOT))
            return
        started = time.perf_counter()
        codes = asyncio.run(send_all())
        accepted_s = time.perf_counter() - started
        conn = sqlite3.connect(db)
        stored = 0
        while not args.accept_only and time.perf_counter() - started < args.timeout:
            stored = conn.execute("select count(*) from statuses where local = 0").fetchone()[0]
            if stored >= args.activities:
                break
            time.sleep(0.2)
        processed_s = time.perf_counter() - started
        print(json.dumps({
            "activities": args.activities, "concurrency": args.concurrency,
            "answers": {str(c): codes.count(c) for c in sorted(set(codes))},
            "accepted_per_second": round(args.activities / accepted_s, 1), "seconds_to_accept": round(accepted_s, 2),
            "stored": stored, "seconds_to_store_all": round(processed_s, 2),
            "failed_jobs": conn.execute("select count(*) from jobs where state='failed'").fetchone()[0],
        }, indent=1))
    finally:
        madang.stop()


def drain(args: argparse.Namespace) -> None:
    """One worker process (as `madang worker` sets it up) runs every queued job until none is
    due; then checks that each distinct accepted Create is exactly one status."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["MADANG_DATABASE_URL"] = f"sqlite+aiosqlite:///{args.db}"
    os.environ["MADANG_HOST"], os.environ["MADANG_PORT"] = "127.0.0.1", args.base.rsplit(":", 1)[1]
    from madang.app import register_jobs
    from madang.core.settings import Settings
    from madang.db import Database
    from madang.federation import config as federation_config
    from madang.jobs import Worker

    register_jobs()
    conn = sqlite3.connect(args.db)
    jobs = conn.execute("select count(*) from jobs where name='federation.receive' and state='pending'").fetchone()[0]
    objects = {json.loads(p)["activity"]["object"]["id"] for (p,) in
               conn.execute("select payload from jobs where name='federation.receive'")}

    async def go() -> tuple[float, float]:
        settings = Settings()
        db = Database(settings.database_url)
        federation_config.attach(db, settings)
        worker = Worker(db, poll_seconds=0.05, **({"batch": args.batch} if args.batch else {}))
        started, cpu = time.perf_counter(), time.process_time()
        await worker.run_until_idle(timeout=3600)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        await db.dispose()
        return took, cpu

    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        took, cpu = profiler.runcall(asyncio.run, go())
        profiler.dump_stats(args.profile)
    else:
        took, cpu = asyncio.run(go())
    stored = {u for (u,) in conn.execute("select uri from statuses where local = 0")}
    rows = conn.execute("select count(*) from statuses where local = 0").fetchone()[0]
    states = dict(conn.execute("select state, count(*) from jobs where name='federation.receive' group by state"))
    print(json.dumps({
        "receive_jobs": jobs, "distinct_creates": len(objects), "seconds": round(took, 2),
        "processed_per_second": round(jobs / took, 1), "cpu_ms_per_job": round(cpu * 1000 / max(jobs, 1), 3),
        "statuses": rows, "every_create_stored_once": stored == objects and rows == len(objects),
        "job_states": states}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    out = sub.add_parser("outgoing")
    out.add_argument("--servers", type=int, default=1000)
    out.add_argument("--samples", type=int, default=100)
    out.add_argument("--timeout", type=float, default=120)
    inc = sub.add_parser("incoming")
    inc.add_argument("--activities", type=int, default=3000)
    inc.add_argument("--actors", type=int, default=20)
    inc.add_argument("--concurrency", type=int, default=32)
    inc.add_argument("--timeout", type=float, default=300)
    inc.add_argument("--accept-only", action="store_true", help="no worker: the inbox's own rate")
    inc.add_argument("--wrk", action="store_true", help="send with wrk (a client that is not the bottleneck)")
    inc.add_argument("--seconds", type=int, default=10)
    inc.add_argument("--profile", help="run the server under cProfile, writing this file")
    inc.add_argument("--drain", action="store_true", help="with --accept-only: then one worker runs the jobs")
    inc.add_argument("--profile-drain", help="the draining worker under cProfile, writing this file")
    inc.add_argument("--batch", type=int, help="with --drain: jobs a claim takes (default: the Worker's)")
    dr = sub.add_parser("drain")
    dr.add_argument("--db", required=True)
    dr.add_argument("--base", required=True)
    dr.add_argument("--profile")
    dr.add_argument("--batch", type=int, help="jobs a claim takes (default: the Worker's)")
    args = parser.parse_args()
    {"outgoing": outgoing, "incoming": incoming, "drain": drain}[args.what](args)


if __name__ == "__main__":
    main()
