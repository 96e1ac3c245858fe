"""Signed fetches as the instance actor (FEP-d556/2677): its key made once, kept per process."""

from __future__ import annotations

from typing import Any

from madang.federation.config import FederationConfig
from madang.federation.keys import get_or_create_actor_key
from madang.federation.transport import Transport
from madang.federation.uris import key_id as key_id_of
from madang.net import OutboundError

INSTANCE_KEY = "madang.federation.instance_key"


class FetchError(Exception):
    """A remote document could not be had: refused, gone, failed or not ActivityPub."""


async def instance_key(db: Any) -> str:
    """The instance actor's private key (PEM), made on first use."""
    cached = db.session_info.get(INSTANCE_KEY)
    if cached is None:
        async with db.write() as session:
            key = await get_or_create_actor_key(session, None)
            cached = key.private_pem
        db.session_info[INSTANCE_KEY] = cached
    return cached


async def get_json(db: Any, config: FederationConfig, url: str, *, accept: str | None = None,
                   signed: bool = True) -> Any:
    private_pem = await instance_key(db) if signed else None
    try:
        async with Transport(config) as transport:
            return await transport.get_json(url, key_id=key_id_of(config.instance_actor_uri) if signed else None,
                                            private_pem=private_pem, accept=accept)
    except OutboundError as exc:
        raise FetchError(f"{url}: {exc}") from None
    except Exception as exc:  # the transport's own errors (gone, failed, not JSON)
        if type(exc).__module__.startswith("madang.federation"):
            raise FetchError(f"{url}: {exc}") from None
        raise
