"""What a subscription may hold: alert types, policies, endpoints and client keys."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit


from madang.core.errors import Invalid

# Mastodon's alert names, in the order its API lists them.
ALERT_TYPES = ("mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
               "admin.sign_up", "admin.report")
POLICIES = ("all", "followed", "follower", "none")
MAX_ENDPOINT = 2000
LOOPBACK_NAMES = ("localhost",)


def decode_key(value: str) -> bytes:
    """Clients send standard or URL-safe base64, padded or not (Mastodon.py sends standard)."""
    text = value.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def check_p256dh(value: str | None) -> str:
    """The browser's ECDH public key: an uncompressed point on P-256. Returned normalised."""
    if not value:
        raise Invalid("Key p256dh can't be blank", field="keys.p256dh")
    from cryptography.hazmat.primitives.asymmetric import ec  # on first use (memory)

    try:
        raw = decode_key(value)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except (ValueError, binascii.Error):
        raise Invalid("Key p256dh is not a valid P-256 public key", field="keys.p256dh") from None
    if len(raw) != 65:
        raise Invalid("Key p256dh is not a valid P-256 public key", field="keys.p256dh")
    return encode_key(raw)


def check_auth(value: str | None) -> str:
    """The shared auth secret: 16 random bytes (RFC 8291)."""
    if not value:
        raise Invalid("Key auth can't be blank", field="keys.auth")
    try:
        raw = decode_key(value)
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 16:
        raise Invalid("Key auth must be 16 bytes in base64", field="keys.auth")
    return encode_key(raw)


def is_loopback_host(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(value: str | None, *, allow_loopback: bool) -> str:
    """An https URL. Plain http is accepted only for loopback hosts, and only when the
    instance allows loopback endpoints (tests, local development)."""
    if not value or not value.strip():
        raise Invalid("Endpoint can't be blank", field="endpoint")
    endpoint = value.strip()
    if len(endpoint) > MAX_ENDPOINT:
        raise Invalid(f"Endpoint is too long (maximum is {MAX_ENDPOINT} characters)", field="endpoint")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises on a malformed port
    except ValueError:
        raise Invalid("Endpoint is not a valid URL", field="endpoint") from None
    if not host or parts.username or parts.password or any(c.isspace() or ord(c) < 32 or ord(c) == 127
                                                           for c in endpoint):
        raise Invalid("Endpoint is not a valid URL", field="endpoint")
    loopback = is_loopback_host(host)
    if loopback and not allow_loopback:
        raise Invalid("Endpoint must not point at this server", field="endpoint")
    if parts.scheme == "https" or (parts.scheme == "http" and loopback and allow_loopback):
        return endpoint
    raise Invalid("Endpoint must be an https URL", field="endpoint")


def check_policy(value: str | None) -> str:
    if value is None or value == "":
        return "all"
    if value not in POLICIES:
        raise Invalid("Policy is not included in the list (all, followed, follower, none)", field="policy")
    return value


def alert_enabled(alerts: dict, notification_type: str) -> bool:
    return bool(alerts.get(notification_type, False))
