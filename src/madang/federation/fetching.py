"""Signed fetches as the instance actor (FEP-d556/2677): its key made once, kept per process.
Every GET is signed (GoToSocial and authorized-fetch Mastodon answer unsigned ones with 401)."""

from __future__ import annotations

from typing import Any

from madang.federation.config import FederationConfig
from madang.federation.domain_policy import host_suspended
from madang.federation.keys import ensure_actor_key
from madang.federation.parse import host_of
from madang.federation.transport import AS2_ACCEPT, Transport
from madang.federation.uris import key_id as key_id_of
from madang.net import OutboundError, OutboundPolicy

INSTANCE_KEY = "madang.federation.instance_key"


class FetchError(Exception):
    """A remote document could not be had: refused, gone, failed or not ActivityPub.
    ``status`` is the HTTP status when one came (404 and 410 say the document is gone)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


async def instance_key(db: Any) -> str:
    """The instance actor's private key (PEM), made on first use."""
    cached = db.session_info.get(INSTANCE_KEY)
    if cached is None:
        cached = (await ensure_actor_key(db, None)).private_pem
        db.session_info[INSTANCE_KEY] = cached
    return cached


async def get_json(db: Any, config: FederationConfig, url: str, *, accept: str | None = None) -> dict:
    if await host_suspended(db, host_of(url)):
        raise FetchError(f"{url}: the domain is suspended here")  # nothing fetched from it
    private_pem = await instance_key(db)
    try:
        async with Transport(OutboundPolicy.parse(config.allowed_hosts)) as transport:
            return await transport.get_json(url, key_id=key_id_of(config.instance_actor_uri),
                                            private_pem=private_pem, accept=accept or AS2_ACCEPT)
    except OutboundError as exc:
        raise FetchError(f"{url}: {exc}", getattr(exc, "status", None)) from None
