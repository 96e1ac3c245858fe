"""`madang doctor`: what an operator should fix before (and after) going live, each check answered
OK, WARN or FAIL with the fix (docs/ops/logging.md#madang-doctor). Every check is bounded in time
(a few seconds at most: an SMTP server or database that does not answer is a FAIL, not a hang) and
changes nothing but a probe file in the media folder, removed at once."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from madang.core.settings import Settings

OK, WARN, FAIL = "OK", "WARN", "FAIL"
TIMEOUT = 5.0  # seconds any one network check may take
# Free space: below these a FAIL (writes will start failing soon), a WARN (plan for more).
FAIL_BYTES, WARN_BYTES = 256 * 1024**2, 2 * 1024**3
FAIL_SHARE, WARN_SHARE = 0.02, 0.10
# The database server's clock against ours: beyond these, signatures (federation's, 2FA codes) fail.
WARN_SKEW, FAIL_SKEW = 2.0, 30.0
_LOCAL_NAMES = {"localhost", "localhost.localdomain"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


def is_local_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]") if host.count(":") <= 1 or host.startswith("[") else host
    if name.lower() in _LOCAL_NAMES or name.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def disk_verdict(name: str, path: Path, free: int, total: int) -> Check:
    share = free / total if total else 0.0
    detail = f"{free / 1024**3:.1f} GB free of {total / 1024**3:.1f} GB ({share:.0%}) at {path}"
    if free < FAIL_BYTES or share < FAIL_SHARE:
        return Check(name, FAIL, detail, "free space on this file system (old backups, logs, cached remote media: "
                     "`madang media prune`) or move the data to a larger one; writes answer 503 when it is full")
    if free < WARN_BYTES or share < WARN_SHARE:
        return Check(name, WARN, detail, "plan for more space soon (`madang media prune` frees cached remote media)")
    return Check(name, OK, detail)


def _existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def sqlite_file(settings: Settings) -> Path | None:
    from sqlalchemy.engine import make_url

    database = make_url(settings.database_url).database
    if not settings.is_sqlite or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


# What `madang doctor` passes as the key so that loading the settings makes no key file (every other
# command makes one on first start); the check below reads the real one.
UNREAD_KEY = "doctor-has-not-read-the-key-file"


def check_secret_key(settings: Settings) -> Check:
    from madang.core.secret_keys import SecretKeyError, check_secret_key as usable

    key = os.environ.get("MADANG_SECRET_KEY", "")
    if key:
        if len(key) < 32 or len(set(key)) < 10:
            return Check("secret key", WARN, f"MADANG_SECRET_KEY is short or repetitive ({len(key)} characters)",
                         "set a random one, e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`")
        return Check("secret key", OK, "set in MADANG_SECRET_KEY")
    path = settings.secret_key_path
    try:
        mode = path.stat().st_mode & 0o777
        usable(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return Check("secret key", WARN, f"no key file at {path} yet: `madang serve` makes one on first start",
                     "start madang once (or set MADANG_SECRET_KEY), then back the file up with the database")
    except (OSError, SecretKeyError) as exc:
        return Check("secret key", FAIL, f"the key file {path} is not usable: {exc}",
                     "make it readable by the user madang runs as, or remove it to have a new one made "
                     "(guest 민원 links and Web Push subscriptions made with the old key stop working)")
    if mode & 0o077:
        return Check("secret key", WARN, f"{path} is readable by others (mode {mode:o})", f"chmod 600 {path}")
    return Check("secret key", OK, f"kept in {path} (mode {mode:o}); back this file up with the database")


def check_public_address(settings: Settings) -> list[Check]:
    checks = []
    if settings.scheme not in ("http", "https"):
        checks.append(Check("scheme", FAIL, f"MADANG_SCHEME is {settings.scheme!r}", "set MADANG_SCHEME=https "
                            "(or http for a local trial)"))
    domain = settings.domain
    if not domain:
        checks.append(Check("domain", WARN, f"MADANG_DOMAIN is not set: public links use {settings.public_host}",
                            "set MADANG_DOMAIN to the public host name before going live: it is part of every "
                            "account's address and cannot change later"))
    elif any(c in domain for c in "/ @?#") or "://" in domain or domain != domain.strip().lower():
        checks.append(Check("domain", FAIL, f"MADANG_DOMAIN is {domain!r}: not a host name",
                            "set only the lower-case host name (and :port if not 80/443), e.g. madang.anyang.go.kr"))
    elif is_local_host(domain):
        checks.append(Check("domain", WARN, f"MADANG_DOMAIN {domain} is local: other servers and phones outside "
                            "this network cannot reach it", "set the public host name before going live"))
    elif domain.endswith((":443", ":80")):
        checks.append(Check("domain", WARN, f"MADANG_DOMAIN {domain} names the default port",
                            "leave the port out: links and account addresses must not carry it"))
    else:
        checks.append(Check("domain", OK, domain))
    if settings.scheme == "http" and domain and not is_local_host(domain) and not checks[-1].status == FAIL:
        checks.append(Check("scheme", WARN, f"public links are http://{domain}: passwords and sessions would cross "
                            "the network in clear", "serve over TLS (a proxy, see docs) and set MADANG_SCHEME=https"))
    elif settings.scheme in ("http", "https"):
        checks.append(Check("scheme", OK, settings.scheme))
    if settings.contact_email.endswith("@madang.example"):
        checks.append(Check("contact e-mail", WARN, "MADANG_CONTACT_EMAIL is the example address",
                            "set the address of the people who run this instance (shown on /about)"))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(settings.time_zone)
    except Exception:
        checks.append(Check("time zone", FAIL, f"MADANG_TIME_ZONE {settings.time_zone!r} is unknown",
                            "use an IANA name such as Asia/Seoul"))
    return checks


async def check_smtp(settings: Settings) -> Check:
    if not settings.smtp_url:
        return Check("smtp", WARN, "MADANG_SMTP_URL is not set: no e-mail is sent (password resets, sign-up "
                     f"confirmations, 민원 receipts); messages are kept in {settings.mail_drop_path}",
                     "set MADANG_SMTP_URL=smtp+starttls://user:password@mail.example:587")
    import aiosmtplib

    from madang.core.errors import Invalid
    from madang.mail.config import parse_smtp_url

    try:
        server = parse_smtp_url(settings.smtp_url)
    except Invalid as exc:
        return Check("smtp", FAIL, str(exc), "fix MADANG_SMTP_URL")
    where = f"{server.host}:{server.port}"
    client = aiosmtplib.SMTP(hostname=server.host, port=server.port, timeout=TIMEOUT,
                             use_tls=server.security == "tls", start_tls=server.security == "starttls" or None)
    try:
        await asyncio.wait_for(client.connect(), TIMEOUT * 2)
        if server.username:
            await asyncio.wait_for(client.login(server.username, server.password or ""), TIMEOUT)
        await client.quit()
    except Exception as exc:
        client.close()
        return Check("smtp", FAIL, f"cannot use the SMTP server {where}: {type(exc).__name__}: {exc}"[:300],
                     "check the host, port, TLS mode and credentials in MADANG_SMTP_URL, and the firewall")
    return Check("smtp", OK, f"{where} answers ({server.security}{', signed in' if server.username else ''})")


def check_disk(settings: Settings) -> list[Check]:
    database = sqlite_file(settings)
    places = ([("database", database.parent)] if database else []) + [("media", settings.media_path)]
    by_device: dict[int, tuple[list[str], Path]] = {}
    for name, path in places:
        existing = _existing(path)
        by_device.setdefault(existing.stat().st_dev, ([], existing))[0].append(name)
    checks = []
    for names, existing in by_device.values():
        usage = shutil.disk_usage(existing)
        checks.append(disk_verdict(f"disk ({', '.join(names)})", existing, usage.free, usage.total))
    return checks


def check_media_path(settings: Settings) -> Check:
    path = settings.media_path.absolute()
    if path.exists() and not path.is_dir():
        return Check("media path", FAIL, f"{path} is not a folder", "point MADANG_MEDIA_PATH at a folder")
    if not path.exists():
        parent = _existing(path)
        if parent.is_dir() and os.access(parent, os.W_OK):
            return Check("media path", OK, f"{path} will be made on the first upload")
        return Check("media path", FAIL, f"{path} does not exist and {parent} is not writable",
                     f"mkdir -p {path} and give it to the user madang runs as")
    probe = path / f".doctor-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return Check("media path", FAIL, f"cannot write in {path}: {exc.strerror}",
                     f"give {path} to the user madang runs as (chown/chmod)")
    return Check("media path", OK, f"{path} is writable")


async def check_media_store(settings: Settings) -> Check:
    """MADANG_MEDIA_STORE=s3 (decision 0066): a probe object written, read back and removed."""
    from madang.media.storage import store_of

    def probe() -> None:
        store = store_of(settings)
        key = f"doctor/probe-{os.getpid()}.png"
        store.save(key, b"madang doctor", "image/png")
        try:
            if store.read(key) != b"madang doctor":
                raise RuntimeError("the object read back differs from the one written")
        finally:
            store.delete(key)

    where = f"bucket {settings.s3_bucket} at {settings.s3_endpoint_url or 'AWS'}"
    try:
        await asyncio.wait_for(asyncio.to_thread(probe), 6 * TIMEOUT)
    except Exception as exc:
        return Check("media store", FAIL, f"cannot write, read and delete in the {where}: "
                     f"{type(exc).__name__}: {exc}"[:300],
                     "check MADANG_S3_BUCKET, _ENDPOINT_URL, _REGION, _ADDRESSING_STYLE and the access key's "
                     "permissions (docs/ops/object-storage.md)")
    return Check("media store", OK, f"{where}: written, read and deleted a probe object")


async def check_database(settings: Settings) -> list[Check]:
    """Reachable, migrated to this version's head, and (PostgreSQL) the server's clock against ours."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from madang.db.migrate import alembic_config

    database = sqlite_file(settings)
    if database is not None and not database.exists():
        return [Check("database", FAIL, f"no database file at {database}", "run `madang migrate` (it makes one)")]
    heads = set(ScriptDirectory.from_config(alembic_config(settings.database_url)).get_heads())
    from madang.db.database import pg_engine_options

    options = pg_engine_options(settings.database_pooler) if not settings.is_sqlite else {}
    connect_args = {**options.pop("connect_args", {}), "timeout": TIMEOUT} if not settings.is_sqlite else {}
    engine = create_async_engine(settings.database_url, connect_args=connect_args, **options)
    kind = "SQLite" if settings.is_sqlite else "PostgreSQL"
    checks = []
    try:
        async with asyncio.timeout(TIMEOUT * 2):
            async with engine.connect() as connection:
                version = (await connection.execute(text("SELECT sqlite_version()" if settings.is_sqlite
                                                         else "SHOW server_version"))).scalar()
                try:
                    current = set((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
                except Exception:
                    current = set()
                server_now = None
                if not settings.is_sqlite:
                    before = time.time()
                    server_now = (await connection.execute(text("SELECT now()"))).scalar()
                    ours = (before + time.time()) / 2
    except Exception as exc:
        where = settings.database_url.split("@")[-1]  # no password
        return [Check("database", FAIL, f"cannot reach {kind} at {where}: {type(exc).__name__}: {exc}"[:300],
                      "check MADANG_DATABASE_URL, that the server runs, and the firewall or pg_hba.conf")]
    finally:
        await engine.dispose()
    checks.append(Check("database", OK, f"{kind} {version} reachable"))
    if current == heads:
        checks.append(Check("migrations", OK, f"at {', '.join(sorted(current))} (current)"))
    elif not current:
        checks.append(Check("migrations", FAIL, "the database has no schema yet", "run `madang migrate`"))
    elif current - _known_revisions(settings):
        checks.append(Check("migrations", FAIL, f"the database is at {', '.join(sorted(current))}, newer than this "
                            "version of madang", "upgrade madang (or restore the backup made before the upgrade)"))
    else:
        checks.append(Check("migrations", FAIL, f"the database is at {', '.join(sorted(current))}; this version needs "
                            f"{', '.join(sorted(heads))}", "stop madang, back up, run `madang migrate`, start"))
    checks.append(_clock_check(server_now, ours if server_now is not None else None))
    return checks


def _known_revisions(settings: Settings) -> set[str]:
    from alembic.script import ScriptDirectory

    from madang.db.migrate import alembic_config

    return {s.revision for s in ScriptDirectory.from_config(alembic_config(settings.database_url)).walk_revisions()}


def _clock_check(server_now: datetime | None, ours: float | None) -> Check:
    if server_now is None or ours is None:
        synced = _ntp_synchronized()
        if synced is False:
            return Check("clock", WARN, "this machine's clock is not synchronised (timedatectl)",
                         "enable time synchronisation: `timedatectl set-ntp true` (systemd-timesyncd or chrony)")
        note = " and synchronised" if synced else ""
        return Check("clock", OK, f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC{note} (SQLite: no server clock to compare)")
    skew = abs(server_now.timestamp() - ours)
    detail = f"the database server's clock is {skew:.1f} s from this machine's"
    if skew > FAIL_SKEW:
        return Check("clock", FAIL, detail, "synchronise both machines' clocks (NTP: chrony or systemd-timesyncd); "
                     "signatures and two-factor codes fail when clocks disagree")
    if skew > WARN_SKEW:
        return Check("clock", WARN, detail, "synchronise both machines' clocks (NTP)")
    return Check("clock", OK, detail)


def _ntp_synchronized() -> bool | None:
    import subprocess

    if shutil.which("timedatectl") is None:
        return None
    try:
        done = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                              text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return {"yes": True, "no": False}.get(value) if done.returncode == 0 else None


async def check_redis(settings: Settings) -> Check | None:
    if not settings.redis_url:
        return None
    from redis.asyncio import Redis

    client = Redis.from_url(settings.redis_url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
    try:
        await asyncio.wait_for(client.ping(), TIMEOUT * 2)
    except Exception as exc:
        return Check("redis", FAIL, f"cannot reach Redis: {type(exc).__name__}: {exc}"[:300],
                     "check MADANG_REDIS_URL and that Redis runs (or unset it with one web process)")
    finally:
        await client.aclose()
    return Check("redis", OK, "reachable")


async def check_demo_passwords(settings: Settings) -> Check | None:
    """The demo city's accounts with the passwords the README prints: fine on a laptop, not live."""
    from madang.accounts.passwords import find_user_by_login, verify_password
    from madang.db import Database
    from madang.demo.city import CITY

    db = Database.of(settings, replica=False, pool_size=1)
    try:
        async with asyncio.timeout(TIMEOUT * 4), db.read() as session:
            published = []
            for login in CITY.printed_logins():
                user = await find_user_by_login(session, login.username)
                if user is not None and verify_password(user.password_hash, login.password):
                    published.append(login.username)
    except Exception:
        return None  # the database check says why
    finally:
        await db.dispose()
    if not published:
        return Check("demo logins", OK, "no account has a demo password")
    status = WARN if not settings.domain or is_local_host(settings.domain) else FAIL
    return Check("demo logins", status, f"{len(published)} account(s) still have the demo's published password "
                 f"(e.g. @{published[0]})", "change them (`madang accounts set-password NAME`) or start from an "
                 "empty database: the demo is for trying madang out")


async def run_checks(settings: Settings) -> list[Check]:
    checks = [check_secret_key(settings), *check_public_address(settings), await check_smtp(settings),
              *check_disk(settings),
              await check_media_store(settings) if settings.media_store == "s3" else check_media_path(settings)]
    database = await check_database(settings)
    checks += database
    if all(c.status == OK for c in database if c.name in ("database", "migrations")):
        demo = await check_demo_passwords(settings)
        if demo is not None:
            checks.append(demo)
    redis = await check_redis(settings)
    if redis is not None:
        checks.append(redis)
    return checks

