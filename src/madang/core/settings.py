"""Settings, read once from ``MADANG_*`` environment variables and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADANG_", env_file=None, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/madang.sqlite3"
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # The public host name (with port when not 80/443); defaults to host:port.
    domain: str | None = None
    # Scheme of public URLs; "https" behind a TLS proxy.
    scheme: str = "http"
    instance_title: str = "마당"
    instance_description: str = "안양시와 시민이 만나는 마당"
    contact_email: str = "admin@madang.example"
    max_characters: int = Field(140, ge=1, le=100_000)
    registrations_open: bool = True
    approval_required: bool = False
    public_timelines_open: bool = True
    time_zone: str = "Asia/Seoul"
    default_language: str = "ko"
    # Run the job worker inside `madang serve` (off when workers run as processes).
    embedded_worker: bool = True
    worker_poll_seconds: float = 1.0
    media_path: Path = Path("var/media")
    smtp_url: str | None = None
    rate_limit_per_5min: int = 300
    login_attempts_per_5min: int = 10
    secret_key: str = "change-me-in-production"

    @property
    def public_host(self) -> str:
        return self.domain or f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.public_host}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
