"""What delivery needs from the settings, carried to job handlers on the unit's session.

Handlers get only a session and a payload, so the composition root attaches this once
(``attach(db, settings)``), the way ``events.attach`` hands the bus to use cases.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any


from madang.core.settings import Settings
from madang.db import Database

CONFIG_KEY = "madang.push.config"


class PushNotConfigured(RuntimeError):
    """A worker ran a push job without ``madang.push.attach`` having been called."""


@dataclass(frozen=True)
class PushConfig:
    base_url: str  # for the sender's avatar (the push's icon)
    contact_email: str  # VAPID's "sub" claim: who the push service can write to
    secret_key: str  # seals the access tokens a payload carries
    timeout_seconds: float = 5.0
    allow_loopback: bool = False  # plain-http loopback endpoints accepted at subscription (rules)
    outbound_allow: str = ""  # MADANG_OUTBOUND_ALLOW: what deliveries may reach though not public

    @classmethod
    def from_settings(cls, settings: Settings) -> PushConfig:
        return cls(base_url=settings.base_url, contact_email=settings.contact_email,
                   secret_key=settings.secret_key, timeout_seconds=settings.push_timeout_seconds,
                   allow_loopback=settings.push_allow_loopback, outbound_allow=settings.outbound_allow)

    @property
    def subject(self) -> str:
        return f"mailto:{self.contact_email}"

    def _fernet(self) -> Any:
        # A key of its own, derived from the instance secret, so no other use of the
        # secret can open these.
        from cryptography.fernet import Fernet  # on first use: most processes never seal

        digest = hashlib.sha256(b"madang web push access token\x00" + self.secret_key.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, token: str) -> str:
        return self._fernet().encrypt(token.encode()).decode()

    def unseal(self, sealed: str) -> str | None:
        """The token, or None when it was sealed under another secret (the key was rotated)."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet().decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None


def attach(db: Database, settings: Settings) -> None:
    """Make push jobs runnable on units of ``db`` (call once per process, with the worker)."""
    db.session_info[CONFIG_KEY] = PushConfig.from_settings(settings)


def config_of(session: Any) -> PushConfig:
    config = session.info.get(CONFIG_KEY)
    if config is None:
        raise PushNotConfigured("push delivery is not configured in this process: call "
                                "madang.push.attach(db, settings) where the worker starts")
    return config
