"""The instance's VAPID key pair: made once, on first need, and kept in the database."""

from __future__ import annotations

from typing import Any

import base64
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.db.dialect import insert_ignore
from madang.models.push import SERVER_KEY_ID, PushServerKey


@dataclass(frozen=True)
class ServerKey:
    public_key: str  # URL-safe base64 with padding: what clients pass to PushManager.subscribe
    private_key: str  # URL-safe base64 of the raw 32-byte scalar


def generate_server_key() -> ServerKey:
    # cryptography loads when a key is first made, not in every server process (~7 MiB).
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    return ServerKey(public_key=base64.urlsafe_b64encode(point).decode(),
                     private_key=base64.urlsafe_b64encode(scalar).decode().rstrip("="))


async def find_server_key(session: AsyncSession) -> ServerKey | None:
    row = (await session.execute(select(PushServerKey.public_key, PushServerKey.private_key)
                                 .where(PushServerKey.id == SERVER_KEY_ID))).first()
    return ServerKey(row.public_key, row.private_key) if row else None


async def ensure_server_key(session: AsyncSession) -> ServerKey:
    """The key pair, made now if there is none (in a write unit). Two units racing to make
    it both insert the same fixed row with ON CONFLICT DO NOTHING, then read back the one
    that won, so every caller sees the same key."""
    found = await find_server_key(session)
    if found is not None:
        return found
    fresh = generate_server_key()
    await session.execute(insert_ignore(session, PushServerKey.__table__).values(
        id=SERVER_KEY_ID, public_key=fresh.public_key, private_key=fresh.private_key, created_at=utcnow()))
    found = await find_server_key(session)
    assert found is not None
    return found


async def public_key(db: Any, kept: dict[str, Any]) -> str:
    """The instance's VAPID public key (made on first need). It never changes once made, so a
    process reads it once into ``kept`` (its extras); both surfaces that show it ask here."""
    if "push.public_key" not in kept:
        async with db.read() as session:
            key = await find_server_key(session)
        if key is None:
            async with db.write() as session:
                key = await ensure_server_key(session)
        kept["push.public_key"] = key.public_key
    return kept["push.public_key"]
