"""One delivery to a push service: encrypt, sign, POST, and say what the answer means.

No database here: the caller reads what is needed first and records the outcome after.
Encryption and the VAPID signature come from pywebpush and py_vapid (RFC 8291 aes128gcm
with RFC 8292 ``vapid`` authorisation for ``standard`` subscriptions; Mastodon's legacy
aesgcm with ``WebPush`` authorisation and a ``p256ecdsa`` Crypto-Key otherwise).
"""

from __future__ import annotations

import enum
import ssl
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import orjson

from madang.net import GuardedClient, OutboundError, OutboundPolicy, Refused
from madang.push.keys import ServerKey

TTL_SECONDS = 48 * 3600  # Mastodon's: a phone that is off for a weekend still hears
URGENCY = "normal"
ANSWER_BYTES = 64 * 1024  # a push service answers with a few bytes of JSON at most


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


def classify(status: int) -> Outcome:
    """Mastodon's reading of the answer: a 4xx other than 408 and 429 means the service
    refuses this subscription for good; anything else that is not 2xx is worth a retry."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if 400 <= status < 500 and status not in (408, 429):
        return Outcome.GONE
    return Outcome.RETRY


async def deliver(target: Target, message: dict, key: ServerKey, *, subject: str, timeout: float,
                  allow: str = "") -> Delivery:
    """POST through the guarded client (madang.net): an endpoint that leads to this machine or
    its private network is refused at the connection (unless ``allow``, the operator's
    MADANG_OUTBOUND_ALLOW, names it), and the subscription dropped."""
    from py_vapid import VapidException

    try:
        body, headers = encrypted_request(target, orjson.dumps(message), key, subject)
    except VapidException as exc:  # an endpoint VAPID cannot sign for (an IPv6 literal host)
        return Delivery(Outcome.GONE, None, f"cannot sign for this endpoint: {exc}")
    try:
        async with GuardedClient(OutboundPolicy.parse(allow), timeout=timeout, max_bytes=ANSWER_BYTES,
                                 user_agent="madang-push", verify=_tls()) as client:
            answer = await client.post(target.endpoint, content=body, headers=headers)
    except Refused as exc:
        return Delivery(Outcome.GONE, None, str(exc))
    except OutboundError as exc:
        return Delivery(Outcome.RETRY, None, f"{type(exc).__name__}: {exc}")
    return Delivery(classify(answer.status_code), answer.status_code, answer.text[:200])
