"""The instance's secret key: read from a file kept beside the data, made on first start."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

# Published in an earlier version of the settings: anyone could sign guest case links with it.
PUBLISHED_DEFAULTS = frozenset({"change-me-in-production"})
MIN_LENGTH = 16


class SecretKeyError(ValueError):
    """No usable key: the published default, too short, or a key file that cannot be read."""


def check_secret_key(key: str) -> str:
    if key in PUBLISHED_DEFAULTS:
        raise SecretKeyError("MADANG_SECRET_KEY is a published default; unset it (a random key is made "
                             "and kept on first start) or set a random one")
    if len(key) < MIN_LENGTH:
        raise SecretKeyError(f"MADANG_SECRET_KEY must be at least {MIN_LENGTH} characters")
    return key


def load_or_create_secret_key(path: Path) -> str:
    """The key in ``path``; created (0600) if absent, so that every process started together agrees.

    The new key is written whole to a private temporary file and then hard-linked into place:
    the link fails if another process got there first, and no reader ever sees a half-written
    file, so all the workers of one ``serve --workers N`` read the one key that won.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    try:
        return check_secret_key(key)
    except SecretKeyError as exc:
        raise SecretKeyError(f"the secret key file {path} is not usable: {exc}") from None
