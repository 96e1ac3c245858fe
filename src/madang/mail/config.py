"""What sending needs from the settings, attached to the database once per process.

Job handlers get only the database and a payload, so the composition root calls
``attach(db, settings)`` where the worker starts, as ``push.attach`` does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from madang.core.errors import Invalid
from madang.core.settings import Settings

CONFIG_KEY = "madang.mail.config"
SCHEMES = {"smtp": "opportunistic", "smtp+starttls": "starttls", "starttls": "starttls", "smtps": "tls"}


class MailNotConfigured(RuntimeError):
    """A worker ran a mail job without ``madang.mail.attach`` having been called."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "opportunistic" (STARTTLS when offered), "starttls" (required) or "tls"
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://[user:pass@]host[:port]``, ``smtp+starttls://…`` (or ``starttls://``), ``smtps://…``."""
    parts = urlsplit(url)
    security = SCHEMES.get(parts.scheme.lower())
    if security is None or not parts.hostname:
        raise Invalid("MADANG_SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…",
                      field="smtp_url")
    default_port = {"tls": 465, "starttls": 587}.get(security, 25)
    try:
        port = parts.port or default_port
    except ValueError:
        raise Invalid("MADANG_SMTP_URL has a bad port", field="smtp_url") from None
    return SmtpServer(host=parts.hostname, port=port, security=security,
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


@dataclass(frozen=True)
class MailConfig:
    server: SmtpServer | None  # None: messages are written to drop_path instead (never to the log)
    sender: str
    timeout_seconds: float = 15.0
    drop_path: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> MailConfig:
        server = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
        return cls(server=server, sender=f"{settings.instance_title} <{settings.contact_email}>",
                   drop_path=settings.mail_drop_path)


def attach(db: Any, settings: Settings) -> None:
    """Make mail jobs runnable on ``db`` (call once per process, where the worker starts)."""
    db.session_info[CONFIG_KEY] = MailConfig.from_settings(settings)


def config_of(db: Any) -> MailConfig:
    config = db.session_info.get(CONFIG_KEY)
    if config is None:
        raise MailNotConfigured("mail is not configured in this process: call madang.mail.attach(db, settings) "
                                "where the worker starts")
    return config
