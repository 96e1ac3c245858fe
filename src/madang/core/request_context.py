"""The request id: one short token that names a request in every log line it causes, and in the
jobs it enqueues (docs/ops/logging.md, docs/decisions/0056).

Taken from the client's (or proxy's) ``X-Request-Id`` when it is well-formed, made here otherwise;
held in a context variable for the request's task, copied onto each job the request enqueues, and
set again by the worker while that job runs (so a job's own follow-up jobs carry it too)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

MAX_LENGTH = 64
# Letters, digits and . _ : - (UUIDs, nginx's $request_id, a load balancer's trace ids): nothing that
# could forge a log line, break a quoted field or carry a message.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

_current: ContextVar[str | None] = ContextVar("madang_request_id", default=None)


def well_formed(value: str | bytes | None) -> str | None:
    """``value`` as a request id if it is one we accept, else None."""
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
    return value if value and _WELL_FORMED.fullmatch(value) else None


def new_request_id() -> str:
    """32 hex digits, as nginx's $request_id."""
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    return _current.get()


@contextmanager
def request_id_set(value: str | None) -> Iterator[None]:
    """``value`` is the current request id inside the block (None: no request id)."""
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)
