"""Signed ActivityPub HTTP through the guarded client: GETs of remote documents and inbox POSTs.

One ``Transport`` per job or use case (``async with Transport(policy) as transport``): one
connection pool, 1 MB bodies, 10 s timeouts, at most ``per_host`` requests to one host at a time,
https only (remote servers are reached over TLS; ``allow_http`` exists for the suite's loopback
inboxes alone). Every request is signed at send time, so its Date is fresh, and again on each
redirect hop, whose host and path it covers.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from madang.core.settings import Settings
from madang.federation.signatures import sign_headers
from madang.net import GuardedClient, OutboundError, OutboundPolicy, Refused
from madang.net.guarded import REDIRECTS, read_body

AS2_TYPE = "application/activity+json"
AS2_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0
PER_HOST = 4
MAX_REDIRECTS = 3
# The media types a fetched document may have: AS2, JSON-LD (any profile) and JRD (WebFinger).
# Mastodon discards other types (json_ld_helper.rb): a JSON file uploaded to some server's media
# must not pass for an actor or a note of that server.
DOCUMENT_TYPES = frozenset({"application/activity+json", "application/ld+json", "application/jrd+json"})


class FetchFailed(OutboundError):
    """A signed GET gave no usable document. ``status`` is the HTTP status, None when none came
    (network, timeout, refused address, too large, not JSON of an accepted type)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Gone(FetchFailed):
    """410: the document was deleted (a Tombstone for the caller)."""


def federation_policy(settings: Settings) -> OutboundPolicy:
    """Public addresses, plus MADANG_OUTBOUND_ALLOW and MADANG_FEDERATION_ALLOWED_HOSTS."""
    return OutboundPolicy.parse(f"{settings.outbound_allow},{settings.federation_allowed_hosts}")


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


class Transport:
    def __init__(self, policy: OutboundPolicy, *, allow_http: bool = False, max_bytes: int = MAX_BYTES,
                 timeout: float = TIMEOUT_SECONDS, per_host: int = PER_HOST, user_agent: str = "madang") -> None:
        self.allow_http = allow_http
        self.max_bytes = max_bytes
        self.per_host = per_host
        self._client = GuardedClient(policy, timeout=timeout, total_seconds=timeout * 3, max_bytes=max_bytes,
                                     max_redirects=0, user_agent=user_agent)
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _check(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme == "https" or (parts.scheme == "http" and self.allow_http):
            if not parts.hostname:
                raise Refused(f"not a usable address: {url}")
            return parts.netloc.lower()
        raise Refused("remote servers are reached over https only")

    def _slot(self, host: str) -> asyncio.Semaphore:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.per_host)
        return slot

    async def get_json(self, url: str, *, key_id: str, private_pem: str, accept: str = AS2_ACCEPT) -> dict:
        """The JSON object at ``url``, fetched with a signed GET (redirects followed, each hop
        signed and checked, at most 3). Raises Refused for an address not allowed, Gone for 410,
        FetchFailed for anything else that is not a JSON object of an accepted type."""
        allowed = DOCUMENT_TYPES | ({"application/json"} if "application/json" in accept else set())
        for _hop in range(MAX_REDIRECTS + 1):
            host = self._check(url)
            headers = sign_headers(method="GET", url=url, body=None, key_id=key_id, private_pem=private_pem,
                                   headers={"Accept": accept})
            try:
                async with self._slot(host), self._client.stream("GET", url, headers=headers,
                                                                 follow_redirects=False) as response:
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in REDIRECTS and location:
                        url = urljoin(url, location)
                        continue
                    if status == 410:
                        raise Gone(f"{url} is gone", status)
                    if not 200 <= status < 300:
                        raise FetchFailed(f"{url} answered {status}", status)
                    media_type = _media_type(response.headers)
                    if media_type not in allowed:
                        raise FetchFailed(f"{url} answered with {media_type or 'no type'}, not ActivityPub JSON",
                                          status)
                    body = await read_body(response, self.max_bytes)
            except Refused:
                raise
            except OutboundError as exc:
                if isinstance(exc, FetchFailed):
                    raise
                raise FetchFailed(f"{url}: {exc}") from exc
            try:
                document = json.loads(body)
            except ValueError:
                raise FetchFailed(f"{url} did not answer JSON", status) from None
            if not isinstance(document, dict):
                raise FetchFailed(f"{url} did not answer a JSON object", status)
            return document
        raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")

    async def post_activity(self, inbox_url: str, body: bytes, *, key_id: str, private_pem: str,
                            extra_headers: Mapping[str, str] | None = None) -> int:
        """POST ``body`` (the activity's JSON, bytes as stored) to an inbox, signed; the status
        code. Redirects are not followed (Mastodon does not). Raises OutboundError (Refused,
        Timeout, Unreachable) when no answer came."""
        host = self._check(inbox_url)
        given: dict[str, str] = {"Content-Type": AS2_TYPE}
        given.update(extra_headers or {})
        # Signing (RSA, ~1 ms) runs off the event loop: a fan-out of a thousand deliveries must not
        # hold the requests the same process serves (OpenSSL releases the GIL while it signs).
        headers = await asyncio.to_thread(sign_headers, method="POST", url=inbox_url, body=body, key_id=key_id,
                                          private_pem=private_pem, headers=given)
        async with self._slot(host), self._client.stream("POST", inbox_url, content=body, headers=headers,
                                                         follow_redirects=False) as response:
            # The answer's body is not needed: read a little so the connection can be reused.
            await _drain(response, 64 * 1024)
            return response.status_code


async def _drain(response: Any, limit: int) -> None:
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            return
