"""What federation's use cases and jobs need of the settings, attached once per process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from madang.core.settings import Settings
from madang.media.storage import location_of

CONFIG_KEY = "madang.federation.config"


class FederationNotConfigured(RuntimeError):
    """A federation job ran in a process where ``attach`` was not called."""


@dataclass(frozen=True)
class FederationConfig:
    enabled: bool
    base_url: str  # https://madang.example, no trailing slash
    host: str  # madang.example (the WebFinger domain)
    authorized_fetch: bool
    remote_media: str  # "cache" | "link"
    # Extra hosts/networks outbound federation may reach (MADANG_OUTBOUND_ALLOW + _FEDERATION_ALLOWED_HOSTS).
    allowed_hosts: str
    # Where remote media is cached, and the limits an upload has.
    media_path: str = "var/media"
    media_max_bytes: int = 16 * 1024 * 1024
    media_max_pixels: int = 33_177_600
    # MADANG_FEDERATION_MODE=allowlist: only allowed servers are federated with (decision 0040).
    allowlist: bool = False
    # The media store (media.storage.location_of); None: the local folder at media_path.
    media_location: dict[str, Any] | None = None

    @property
    def media_store_location(self) -> dict[str, Any]:
        return self.media_location or {"kind": "local", "root": self.media_path}

    @classmethod
    def from_settings(cls, settings: Settings) -> FederationConfig:
        allowed = ",".join(p for p in (settings.outbound_allow, settings.federation_allowed_hosts) if p)
        return cls(enabled=settings.federation, base_url=settings.base_url.rstrip("/"), host=settings.public_host,
                   authorized_fetch=settings.authorized_fetch, remote_media=settings.remote_media,
                   allowed_hosts=allowed, media_path=str(settings.media_path),
                   media_max_bytes=settings.media_max_bytes, media_max_pixels=settings.media_max_pixels,
                   allowlist=settings.federation_mode == "allowlist", media_location=location_of(settings))

    @property
    def instance_actor_uri(self) -> str:
        return f"{self.base_url}/actor"

    @property
    def shared_inbox(self) -> str:
        return f"{self.base_url}/inbox"

    def is_local(self, uri: str | None) -> bool:
        return bool(uri) and (uri == self.base_url or uri.startswith(self.base_url + "/"))  # type: ignore[union-attr]


def attach(db: Any, settings: Settings) -> None:
    """Make federation's jobs and use cases runnable on units of ``db`` (once per process)."""
    db.session_info[CONFIG_KEY] = FederationConfig.from_settings(settings)
    from madang.moderation.domain_blocks import BLOCKS_CACHE

    # The suspended domains' copy (federation.domain_policy), shared with this Database's write
    # units, so a block made through madang.moderation empties it at once.
    db.session_info.setdefault(BLOCKS_CACHE, {})
    from madang.moderation.domain_allows import ALLOWS_CACHE

    db.session_info.setdefault(ALLOWS_CACHE, {})  # the allowed domains' copy, likewise


def config_of(holder: Any) -> FederationConfig:
    """The config from a session's info or a Database's session_info."""
    info = getattr(holder, "session_info", None)
    if info is None:
        info = holder.info
    config = info.get(CONFIG_KEY)
    if config is None:
        raise FederationNotConfigured("federation is not configured in this process: call "
                                      "madang.federation.config.attach(db, settings) where the app or worker starts")
    return config
