"""One delivery to a push service: encrypt, sign, POST, and say what the answer means.

No database here: the caller reads what is needed first and records the outcome after.
Encryption and the VAPID signature come from pywebpush and py_vapid (RFC 8291 aes128gcm
with RFC 8292 ``vapid`` authorisation for ``standard`` subscriptions; Mastodon's legacy
aesgcm with ``WebPush`` authorisation and a ``p256ecdsa`` Crypto-Key otherwise).
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import orjson

from madang.push.keys import ServerKey
from madang.push.rules import is_loopback_host

TTL_SECONDS = 48 * 3600  # Mastodon's: a phone that is off for a weekend still hears
URGENCY = "normal"


@cache
def _tls() -> ssl.SSLContext:
    """Loading the CA bundle costs ~15 ms: once per process, not once per push, and not at
    all in a process that never pushes. A client-side SSLContext is safe to share."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"  # the push service will never take this subscription again: drop it
    RETRY = "retry"  # try again later (5xx, 408, 429, timeouts, connection errors)


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    status: int | None
    detail: str


@dataclass(frozen=True)
class Target:
    endpoint: str
    p256dh: str
    auth: str
    standard: bool


def encrypted_request(target: Target, message: bytes, key: ServerKey, subject: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one push (the ciphertext differs every call)."""
    # Imported on first delivery: pywebpush and py_vapid (with requests) cost ~30 MiB of a
    # server's memory that most processes never use.
    from py_vapid import Vapid01, Vapid02
    from pywebpush import WebPusher

    pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
    parts = urlsplit(target.endpoint)
    # Real time, not madang's clock: the push service checks it against its own. Twelve
    # hours, as pywebpush does: some services refuse a token that lives a full day.
    claims = {"sub": subject, "aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + 12 * 3600}
    headers = {"TTL": str(TTL_SECONDS), "Urgency": URGENCY, "Content-Type": "application/octet-stream"}
    if target.standard:
        encoded = pusher.encode(message, "aes128gcm")
        headers["Content-Encoding"] = "aes128gcm"
        headers.update(Vapid02.from_raw(key.private_key.encode()).sign(claims))
    else:
        encoded = pusher.encode(message, "aesgcm")
        headers["Content-Encoding"] = "aesgcm"
        headers["Encryption"] = "salt=" + encoded["salt"].decode()
        vapid = Vapid01.from_raw(key.private_key.encode()).sign(claims, crypto_key="dh=" + encoded["crypto_key"].decode())
        headers.update(vapid)
    return encoded["body"], headers


async def _private_address(host: str) -> bool:
    """Does the host name lead to this machine or its private network? Checked before each
    delivery so a subscription cannot make the server call its neighbours."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    return any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_multicast
               for a in addresses)


def classify(status: int) -> Outcome:
    """Mastodon's reading of the answer: a 4xx other than 408 and 429 means the service
    refuses this subscription for good; anything else that is not 2xx is worth a retry."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if 400 <= status < 500 and status not in (408, 429):
        return Outcome.GONE
    return Outcome.RETRY


async def deliver(target: Target, message: dict, key: ServerKey, *, subject: str, timeout: float,
                  allow_loopback: bool) -> Delivery:
    host = urlsplit(target.endpoint).hostname or ""
    if not (allow_loopback and is_loopback_host(host)):
        try:
            if await _private_address(host):
                return Delivery(Outcome.GONE, None, f"{host} is a private address")
        except OSError as exc:  # DNS failure: perhaps passing
            return Delivery(Outcome.RETRY, None, f"cannot resolve {host}: {exc}")
    import httpx  # on first use: with its command-line extras (rich, pygments) it is ~8 MB resident

    body, headers = encrypted_request(target, orjson.dumps(message), key, subject)
    try:
        async with httpx.AsyncClient(timeout=timeout, verify=_tls(), follow_redirects=False,
                                     trust_env=False) as client:
            response = await client.post(target.endpoint, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Delivery(Outcome.RETRY, None, f"{type(exc).__name__}: {exc}")
    return Delivery(classify(response.status_code), response.status_code, response.text[:200])
