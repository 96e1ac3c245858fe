"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.pgserver import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 15.0) -> list[EmailMessage]:
        """The first ``count`` messages, once they have arrived (the worker sends them)."""
        deadline = time.time() + timeout
        while len(self.messages) < count:
            if time.time() > deadline:
                raise AssertionError(f"expected {count} e-mail(s), got {len(self.messages)}")
            time.sleep(0.05)
        return self.messages[:count]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()


@contextmanager
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    """(``smtp://127.0.0.1:port``, the inbox)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()
