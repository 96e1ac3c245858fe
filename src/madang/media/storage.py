"""Where media files live: one small interface, a local-folder store (the default) and an
S3-compatible bucket behind it (decision 0066, docs/ops/object-storage.md).

Nothing else reads or writes media files directly: ``store_of(settings)`` picks the store a
process uses, ``open_store(location)`` reopens it from a job payload. The methods are plain
(blocking) calls; async callers run them in a thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Iterator
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

    def keys(self) -> Iterator[str]:
        """Every file's key (for backups), in no particular order."""
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

    def keys(self) -> Iterator[str]:
        for folder, dirs, files in os.walk(self.root):
            dirs.sort()
            for name in sorted(files):
                key = (Path(folder) / name).relative_to(self.root).as_posix()
                if KEY.match(key):
                    yield key


def open_store(location: dict[str, Any]) -> MediaStore:
    kind = location.get("kind")
    if kind == "local":
        return LocalMediaStore(location["root"])
    if kind == "s3":
        return open_s3_store(location)
    raise ValueError(f"unknown media store {kind!r}")


def location_of(settings: Any) -> dict[str, Any]:
    """The store ``settings`` name (MADANG_MEDIA_STORE), as ``open_store`` takes it; credentials
    stay in the environment (MADANG_S3_ACCESS_KEY_ID / MADANG_S3_SECRET_ACCESS_KEY)."""
    if settings.media_store == "s3":
        return {"kind": "s3", "bucket": settings.s3_bucket, "endpoint_url": settings.s3_endpoint_url or None,
                "region": settings.s3_region or None, "prefix": settings.s3_prefix,
                "public_url": settings.s3_public_url.rstrip("/") or None,
                "addressing_style": settings.s3_addressing_style}
    return {"kind": "local", "root": str(settings.media_path)}


def store_of(settings: Any) -> MediaStore:
    """The media store this process uses, as the settings say."""
    return open_store(location_of(settings))


# Object storage (S3-compatible) --------------------------------------------------------
# Media in an S3-compatible bucket (MADANG_MEDIA_STORE=s3; decision 0066).
#
# boto3 (the optional extra ``madang[s3]``) is imported when the store is first used, not when a
# process starts: an idle ``madang serve`` with the local folder never loads it. Its client is
# thread-safe and made once per process and bucket; every call here blocks, so async callers run
# them in a thread (as they do for the local folder).
#
# Credentials come from the environment only (MADANG_S3_ACCESS_KEY_ID and
# MADANG_S3_SECRET_ACCESS_KEY, or boto3's own chain: AWS_* variables, an instance role); they are
# never part of a location (job payloads) and never logged.

# A key never names two different files, so clients and CDNs may keep them for good.
CACHE_CONTROL = "public, max-age=31536000, immutable"

_stores: dict[tuple, S3MediaStore] = {}
_stores_lock = threading.Lock()


def open_s3_store(location: dict[str, Any]) -> S3MediaStore:
    """One store (and one connection pool) per process and location."""
    ident = tuple(sorted((k, str(v)) for k, v in location.items()))
    with _stores_lock:
        store = _stores.get(ident)
        if store is None:
            store = _stores[ident] = S3MediaStore(
                location["bucket"], endpoint_url=location.get("endpoint_url"), region=location.get("region"),
                prefix=location.get("prefix") or "", public_url=location.get("public_url"),
                addressing_style=location.get("addressing_style") or "auto")
        return store


class S3MediaStore:
    """Files as objects in one bucket, under an optional key prefix. Clients fetch them from
    ``public_url`` (the bucket's or a CDN's address) when one is set; otherwise madang serves them
    itself under ``/media/``, reading from the bucket."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 prefix: str = "", public_url: str | None = None, addressing_style: str = "auto") -> None:
        if not bucket:
            raise ValueError("MADANG_S3_BUCKET is empty: name the bucket media is kept in")
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.public_url = public_url.rstrip("/") if public_url else None
        self.addressing_style = addressing_style
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def location(self) -> dict[str, Any]:
        return {"kind": "s3", "bucket": self.bucket, "endpoint_url": self.endpoint_url, "region": self.region,
                "prefix": self.prefix.rstrip("/"), "public_url": self.public_url,
                "addressing_style": self.addressing_style}

    def __repr__(self) -> str:  # never the credentials
        return f"S3MediaStore(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r}, prefix={self.prefix!r})"

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # pragma: no cover - the extra not installed
            raise RuntimeError("MADANG_MEDIA_STORE=s3 needs boto3: pip install 'madang[s3]'") from exc
        key_id = os.environ.get("MADANG_S3_ACCESS_KEY_ID") or None
        secret = os.environ.get("MADANG_S3_SECRET_ACCESS_KEY") or None
        config = Config(s3={"addressing_style": self.addressing_style}, connect_timeout=5, read_timeout=30,
                        retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=20,
                        # S3-compatible servers (MinIO, Ceph, Garage) do not all know the newer
                        # default checksums; ask for them only where an operation needs one.
                        request_checksum_calculation="when_required", response_checksum_validation="when_required")
        # A session of its own: boto3's default session is not thread-safe to create clients from.
        session = boto3.session.Session()
        return session.client("s3", endpoint_url=self.endpoint_url, region_name=self.region or "us-east-1",
                              aws_access_key_id=key_id, aws_secret_access_key=secret, config=config)

    def object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    @staticmethod
    def _missing(exc: Exception) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound")

    def save(self, key: str, data: bytes, content_type: str) -> None:
        # One PUT: the object appears whole or not at all, as the local folder's rename does.
        self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data, ContentType=content_type,
                               CacheControl=CACHE_CONTROL)

    def fetch(self, key: str) -> tuple[BinaryIO, int]:
        """The object's body (a stream; close it) and its size; FileNotFoundError when there is none."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise FileNotFoundError(key) from None
            raise
        return answer["Body"], int(answer["ContentLength"])

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))["ContentLength"])
        except ClientError as exc:
            if self._missing(exc):
                raise FileNotFoundError(key) from None
            raise

    def open(self, key: str) -> BinaryIO:
        return self.fetch(key)[0]

    def read(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing object with success, as the protocol wants.
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def url(self, key: str) -> str:
        if self.public_url:
            return f"{self.public_url}/{self.object_key(key)}"
        return URL_PREFIX + check_key(key)

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                key = item["Key"][len(self.prefix):]
                if KEY.match(key):
                    yield key
