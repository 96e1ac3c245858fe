"""Local actors' RSA key pairs: made off the request path (a job, or the first delivery), found by
account (NULL = the instance actor), and the key ids they are published under."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.jobs import enqueue, handler
from madang.models.accounts import Account
from madang.models.federation import ActorKey

log = logging.getLogger(__name__)

MAKE_KEYS_JOB = "federation.make_keys"
MAKE_KEYS_BATCH = 50
KEY_BITS = 2048


def generate_key_pair() -> tuple[str, str]:
    """A fresh RSA-2048 pair: (private PEM in PKCS#8, public PEM as SubjectPublicKeyInfo).
    ~50–100 ms of CPU: call it through ``asyncio.to_thread`` from async code."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return private_pem, public_pem


def account_key_id(account_uri: str) -> str:
    return f"{account_uri}#main-key"


def instance_key_id(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/actor#main-key"


def _owned_by(account_id: int | None) -> Any:
    return ActorKey.account_id.is_(None) if account_id is None else ActorKey.account_id == account_id


async def find_actor_key(session: AsyncSession, account_id: int | None) -> ActorKey | None:
    """The key pair of a local account, or of the instance actor (``account_id`` None).
    The oldest wins should two processes have made the instance actor's at once (NULL is
    not unique to the database)."""
    return await session.scalar(select(ActorKey).where(_owned_by(account_id)).order_by(ActorKey.id).limit(1))


async def get_or_create_actor_key(session: AsyncSession, account_id: int | None) -> ActorKey:
    """The key pair, made now when missing (in a thread: the event loop keeps running). For jobs
    and the CLI, not requests: in a write unit, on SQLite, the writer waits for the key."""
    key = await find_actor_key(session, account_id)
    if key is not None:
        return key
    private_pem, public_pem = await asyncio.to_thread(generate_key_pair)
    await session.execute(insert_ignore(session, ActorKey.__table__).values(
        id=new_id(), account_id=account_id, private_pem=private_pem, public_pem=public_pem, created_at=utcnow()))
    key = await find_actor_key(session, account_id)
    assert key is not None  # inserted above, or by a concurrent maker whose row we now read
    return key


async def ensure_actor_key(db: Any, account_id: int | None) -> ActorKey:
    """The key pair, made now when missing, for a request that cannot wait for the job: the pair
    is made in a thread with no unit open (the writer is held for the insert only)."""
    async with db.read() as session:
        key = await find_actor_key(session, account_id)
    if key is not None:
        return key
    private_pem, public_pem = await asyncio.to_thread(generate_key_pair)
    async with db.write() as session:
        await session.execute(insert_ignore(session, ActorKey.__table__).values(
            id=new_id(), account_id=account_id, private_pem=private_pem, public_pem=public_pem, created_at=utcnow()))
        key = await find_actor_key(session, account_id)
    assert key is not None  # inserted above, or by a concurrent maker whose row we now read
    return key


async def rotate_actor_key(session: AsyncSession, account_id: int | None) -> ActorKey:
    """A new pair in place of the old one (same row, so ``find_actor_key`` sees it at once).
    Remote servers that cached the old public key fail to verify, refetch the actor and
    verify again (as madang's verifier does): rotation needs no message of its own."""
    private_pem, public_pem = await asyncio.to_thread(generate_key_pair)
    key = await find_actor_key(session, account_id)
    if key is None:
        session.add(key := ActorKey(id=new_id(), account_id=account_id, private_pem=private_pem,
                                    public_pem=public_pem, created_at=utcnow()))
    else:
        key.private_pem, key.public_pem, key.created_at = private_pem, public_pem, utcnow()
    await session.flush()
    return key


async def enqueue_key_making(session: AsyncSession) -> None:
    """Give every local account without a key one, in the background (idempotent to repeat)."""
    await enqueue(session, MAKE_KEYS_JOB, {})


@handler(MAKE_KEYS_JOB, unit=False)
async def make_keys(db: Any, payload: dict) -> None:
    """Keys for up to 50 local accounts that have none, and the instance actor's; queues itself
    again while any remain. The keys are made with no unit open, so the writer is held only for
    the inserts. (`madang migrate` makes the instance actor's, so serving /actor never has to.)"""
    await ensure_actor_key(db, None)
    async with db.read() as session:
        missing = list(await session.scalars(
            select(Account.id)
            .where(Account.domain.is_(None), ~select(ActorKey.id).where(ActorKey.account_id == Account.id).exists())
            .order_by(Account.id).limit(MAKE_KEYS_BATCH)))
    if not missing:
        return
    pairs = [await asyncio.to_thread(generate_key_pair) for _ in missing]
    now = utcnow()
    async with db.write() as session:
        await session.execute(insert_ignore(session, ActorKey.__table__).values([
            {"id": new_id(), "account_id": account_id, "private_pem": private_pem, "public_pem": public_pem,
             "created_at": now}
            for account_id, (private_pem, public_pem) in zip(missing, pairs, strict=True)]))
        if len(missing) == MAKE_KEYS_BATCH:
            await enqueue(session, MAKE_KEYS_JOB, {})
    log.info("made key pairs for %d local accounts", len(missing))
