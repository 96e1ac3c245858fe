"""Where media files live: one small interface, and a local-folder store behind it.

An S3-compatible store can be added later by implementing ``MediaStore`` and naming it in
``open_store``; nothing else reads or writes media files directly.
"""

from __future__ import annotations

import contextlib

import os
import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Protocol

# Keys are made by this package (see processing.new_keys), but the serving route hands us
# whatever a URL says: only plain segments and a known image extension are ever accepted,
# so ".." or an absolute path can never name a file outside the store.
KEY = re.compile(r"^(?:[A-Za-z0-9_-]{1,64}/){0,4}[A-Za-z0-9_-]{1,100}\.(jpg|png|webp|gif)$")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
URL_PREFIX = "/media/"


class BadKey(ValueError):
    """A key that names no file this store could hold."""


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise BadKey(key)
    return key


def content_type_of(key: str) -> str:
    return CONTENT_TYPES[check_key(key).rsplit(".", 1)[1]]


class MediaStore(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> BinaryIO:
        """The file for reading; raises FileNotFoundError when there is none."""
        ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (deletes are repeated by jobs)."""
        ...

    def url(self, key: str) -> str:
        """Where clients fetch it: an absolute URL, or a path on this server."""
        ...

    @property
    def location(self) -> dict[str, Any]:
        """What ``open_store`` needs to reach this store again from another process (a
        job payload); never credentials."""
        ...


class LocalMediaStore:
    """Files in a folder on this machine, served by the app under ``/media/``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    @property
    def location(self) -> dict[str, Any]:
        return {"kind": "local", "root": str(self.root)}

    def path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):  # belt and braces: the key pattern already forbids it
            raise BadKey(key)
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name and renamed: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        # Leave no empty fan-out folders behind; another upload may be filling one, so
        # a folder that is not empty (or gone) is simply left alone.
        with contextlib.suppress(OSError):
            if path.parent != self.root:
                path.parent.rmdir()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return URL_PREFIX + check_key(key)


def open_store(location: dict[str, Any]) -> MediaStore:
    kind = location.get("kind")
    if kind == "local":
        return LocalMediaStore(location["root"])
    raise ValueError(f"unknown media store {kind!r}")
