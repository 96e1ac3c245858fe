"""A push service on loopback: records what it is sent, answers what the test tells it,
and decrypts with the subscriber's private keys as a phone would."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from mastodon import Mastodon
from py_vapid import Vapid01, Vapid02


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ClientKeys:
    """What a phone makes when it subscribes: an ECDH P-256 key pair and an auth secret."""

    private: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                      serialization.PublicFormat.UncompressedPoint)

    @property
    def p256dh(self) -> str:
        """Standard base64 with padding, as Mastodon.py sends it."""
        return base64.b64encode(self.public_bytes).decode()

    @property
    def auth_b64(self) -> str:
        return base64.urlsafe_b64encode(self.auth).decode().rstrip("=")

    def decrypt(self, push: Received) -> dict[str, Any]:
        encoding = push.headers["content-encoding"]
        if encoding == "aes128gcm":
            plain = http_ece.decrypt(push.body, private_key=self.private, auth_secret=self.auth, version="aes128gcm")
        else:
            # The legacy format, read by Mastodon.py's own client-side helper.
            params = {"privkey": self.private.private_numbers().private_value, "auth": self.auth}
            api = Mastodon(api_base_url="http://127.0.0.1", version_check_mode="none")
            return dict(api.push_subscription_decrypt_push(push.body, params, push.headers["encryption"],
                                                           push.headers["crypto-key"]))
        return json.loads(plain)


def vapid_valid(push: Received, server_key: str) -> bool:
    """The Authorization header is signed by the instance key the API showed."""
    auth = push.headers["authorization"]
    if auth.startswith("vapid "):
        return Vapid02.verify(auth) and f"k={server_key.rstrip('=')}" in auth
    token = auth.split(" ", 1)[1]
    key = push.headers["crypto-key"].split("p256ecdsa=")[1].split(";")[0]
    header, claims, signature = token.split(".")
    verifier = Vapid01.from_raw_public(key.encode())
    return key == server_key.rstrip("=") and verifier.verify_token(f"{header}.{claims}".encode(), signature)


class PushReceiver:
    """Answers each POST with the next status of ``answers`` (201 once they run out),
    ``delay`` seconds after recording it (a slow push service)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body))
                    status = receiver.answers.pop(0) if receiver.answers else 201
                time.sleep(receiver.delay)  # this server's own thread: the caller just waits
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/push/phone-1") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def start(self) -> PushReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        deadline = time.time() + timeout
        while len(self.received) < count:
            if time.time() > deadline:
                raise AssertionError(f"expected {count} pushes, got {len(self.received)}")
            time.sleep(0.05)
        return list(self.received)
