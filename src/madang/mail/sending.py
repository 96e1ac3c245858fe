"""Sending a message: queued in the caller's transaction, delivered by a job outside it.

A message is written as a job with the change that asked for it (a reset token, a new
account), so it goes out only if that change commits, and is retried with backoff when
the SMTP server is away. The SMTP conversation happens with no database unit open."""

from __future__ import annotations

import logging
import os
import secrets
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.jobs import enqueue, handler
from madang.mail.config import MailConfig, SmtpServer, config_of

SEND_JOB = "mail.send"
log = logging.getLogger("madang.mail")


async def send_mail(session: AsyncSession, *, to: str, subject: str, body: str) -> None:
    """Queue a plain-text message to ``to``; sent once the caller's unit commits."""
    if not to or "@" not in to or any(c in to for c in "\r\n") or any(c in subject for c in "\r\n"):
        raise Invalid("E-mail address is not valid", field="email")
    # One Message-ID per message, kept across retries: a repeated run (a worker that died
    # after the server accepted it) is recognisable as the same message downstream.
    message_id = make_msgid(idstring=secrets.token_hex(8), domain="madang.invalid")
    await enqueue(session, SEND_JOB, {"to": to, "subject": subject, "body": body, "message_id": message_id})


def build_message(config: MailConfig, payload: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = payload.get("message_id") or make_msgid()
    message.set_content(payload["body"], charset="utf-8")
    return message


def drop_message(folder: Path, message: EmailMessage) -> Path:
    """Write ``message`` to a new .eml file in ``folder`` readable by its owner only (it may hold a
    password reset link)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(message.as_bytes())
    return path


async def deliver(server: SmtpServer, message: EmailMessage, *, timeout: float) -> None:
    import aiosmtplib  # on first message: most processes never send one

    await aiosmtplib.send(
        message, hostname=server.host, port=server.port, username=server.username, password=server.password,
        use_tls=server.security == "tls", start_tls=True if server.security == "starttls" else None,
        timeout=timeout)


@handler(SEND_JOB, unit=False)
async def send_queued_mail(db: object, payload: dict) -> None:
    config = config_of(db)
    message = build_message(config, payload)
    if config.server is None:
        # No SMTP server configured (development, a closed test instance): the operator finds
        # the message (and its links) in a file; its address and text never go to the log.
        if config.drop_path is None:
            log.warning("MADANG_SMTP_URL is not set: a message was not sent")
            return
        path = drop_message(config.drop_path, message)
        log.warning("MADANG_SMTP_URL is not set: a message was not sent; it is in %s", path)
        return
    # Raises on refusal or a network error; the job queue retries with backoff.
    await deliver(config.server, message, timeout=config.timeout_seconds)
