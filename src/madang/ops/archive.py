"""The backup archive: a tar file of members, a JSON manifest with each member's SHA-256, and
the manifest's own sum, so that one flipped byte anywhere in a member or the manifest is found.

Layout (``format_version`` 1)::

    database/madang.sqlite3 | database/madang.pgdump   the database (SQLite copy or pg_dump -Fc)
    media/<key>                                         every file of the media folder
    instance/secret_key                                 the instance's secret key file (optional)
    manifest.json                                       what is above, with sizes and sums
    manifest.json.sha256                                the manifest's sum

Members are written before the manifest, which comes last: a backup is streamed without a
staging copy. ``.tar.gz`` / ``.tgz`` names are gzip-compressed, other names plain tar.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

FORMAT = "madang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """A damaged, incomplete or foreign archive; the message says what is wrong."""


def safe_name(name: str) -> str:
    """A member name that can be extracted under a folder: relative, no '..', no empty parts."""
    path = PurePosixPath(name)
    if (not name or path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in name.split("/"))
            or str(path) != name):
        raise ArchiveError(f"unsafe member name {name!r}")
    return name


def is_gzip_name(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def _tar_mode(path: Path, write: bool, gz: bool | None = None) -> str:
    gz = is_gzip_name(path) if gz is None else gz
    if write:
        return "w:gz" if gz else "w"
    return "r:gz" if gz else "r:"


@dataclass
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    database: str  # "sqlite" or "postgresql"
    alembic_revision: str | None
    madang_version: str
    created_at: str
    members: list[Member] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "madang_version": self.madang_version,
               "created_at": self.created_at, "database": self.database, "alembic_revision": self.alembic_revision,
               **self.extra, "members": [m.__dict__ for m in self.members]}
        return json.dumps(doc, ensure_ascii=False, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            doc = json.loads(data)
            if doc.get("format") != FORMAT:
                raise ArchiveError("not a madang backup (manifest format)")
            if doc.get("format_version") != FORMAT_VERSION:
                raise ArchiveError(f"unsupported backup format version {doc.get('format_version')!r}")
            members = [Member(name=safe_name(m["name"]), size=int(m["size"]), sha256=str(m["sha256"]))
                       for m in doc["members"]]
            known = {"format", "format_version", "madang_version", "created_at", "database", "alembic_revision",
                     "members"}
            return cls(database=doc["database"], alembic_revision=doc["alembic_revision"],
                       madang_version=doc["madang_version"], created_at=doc["created_at"], members=members,
                       extra={k: v for k, v in doc.items() if k not in known})
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(f"unreadable manifest: {exc}") from None

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)


class _Hashing(io.RawIOBase):
    """Reads from ``source`` while hashing and counting what passed through."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Adds members to a new archive, recording their sums; ``close()`` writes the manifest."""

    def __init__(self, path: Path, *, gzip: bool | None = None) -> None:
        """``gzip``: compress (default: when the name ends in .tar.gz or .tgz)."""
        self.path = path
        # Private (0600): the archive holds the whole database and the secret key.
        self._file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
        self._tar = tarfile.open(fileobj=self._file, mode=_tar_mode(path, write=True, gz=gzip), format=tarfile.PAX_FORMAT)
        self.members: list[Member] = []

    def _info(self, name: str, size: int, mode: int = 0o600) -> tarfile.TarInfo:
        info = tarfile.TarInfo(safe_name(name))
        info.size, info.mode, info.mtime = size, mode, int(time.time())
        return info

    def add_file(self, name: str, source: Path) -> Member:
        """Adds a file that nothing else writes to any more (the database copy, a media file)."""
        with source.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            hashing = _Hashing(f)
            self._tar.addfile(self._info(name, size), hashing)
            if hashing.size != size:
                raise ArchiveError(f"{source} changed size while it was archived")
        member = Member(name, size, hashing.sha.hexdigest())
        self.members.append(member)
        return member

    def add_bytes(self, name: str, data: bytes) -> Member:
        self._tar.addfile(self._info(name, len(data)), io.BytesIO(data))
        member = Member(name, len(data), hashlib.sha256(data).hexdigest())
        self.members.append(member)
        return member

    def finish(self, manifest: Manifest) -> None:
        manifest.members = list(self.members)
        data = manifest.to_json()
        self._tar.addfile(self._info(MANIFEST, len(data), 0o644), io.BytesIO(data))
        digest = (hashlib.sha256(data).hexdigest() + f"  {MANIFEST}\n").encode()
        self._tar.addfile(self._info(MANIFEST_SUM, len(digest), 0o644), io.BytesIO(digest))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def abort(self) -> None:
        try:
            self._tar.close()
        finally:
            self._file.close()


@contextlib.contextmanager
def _open(path: Path) -> Iterator[tuple[tarfile.TarFile, BinaryIO]]:
    """The archive for reading, and the file under it (whose position is the progress)."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        try:
            tar = tarfile.open(fileobj=raw, mode=_tar_mode(path, write=False))
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"{path}: not a readable tar archive ({exc})") from None
        with tar:
            yield tar, raw
    finally:
        raw.close()


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    try:
        while True:
            info = tar.next()
            if info is None:
                return
            yield info
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:  # zlib errors are OSError/EOFError
        raise ArchiveError(f"damaged archive: {exc}") from None


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo, sink: Callable[[bytes], object] | None = None) -> tuple[str, int]:
    f = tar.extractfile(info)
    if f is None:
        raise ArchiveError(f"member {info.name!r} is not a regular file")
    sha, size = hashlib.sha256(), 0
    while True:
        try:
            chunk = f.read(CHUNK)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"damaged archive in {info.name!r}: {exc}") from None
        if not chunk:
            return sha.hexdigest(), size
        sha.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink(chunk)  # a full disk here is an OSError of its own, not a damaged archive


def read_manifest(path: Path) -> Manifest:
    """The manifest alone, checked against its own sum (members are not read)."""
    manifest_data = manifest_sum = None
    with _open(path) as (tar, _raw):
        for info in _members(tar):
            if info.name in (MANIFEST, MANIFEST_SUM):
                buf = bytearray()
                _read_member(tar, info, buf.extend)
                data = bytes(buf)
                if info.name == MANIFEST:
                    manifest_data = data
                else:
                    manifest_sum = data
    return _checked_manifest(path, manifest_data, manifest_sum)


def _checked_manifest(path: Path, data: bytes | None, digest: bytes | None) -> Manifest:
    if data is None or digest is None:
        raise ArchiveError(f"{path}: no manifest (an incomplete or foreign archive)")
    if digest.split(b" ", 1)[0].decode(errors="replace") != hashlib.sha256(data).hexdigest():
        raise ArchiveError(f"{path}: the manifest does not match its sum (damaged)")
    return Manifest.from_json(data)


@dataclass
class Verified:
    manifest: Manifest
    members: int
    bytes: int


def verify(path: Path, progress: Callable[[int, int], None] | None = None) -> Verified:
    """Reads every member, checks its size and SHA-256 against the manifest, and that the manifest
    names exactly the members present; raises ArchiveError on the first problem found."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_data = manifest_sum = None
    total = path.stat().st_size if path.exists() else 0
    with _open(path) as (tar, raw):
        for info in _members(tar):
            if info.name in (MANIFEST, MANIFEST_SUM):
                buf = bytearray()
                _read_member(tar, info, buf.extend)
                if info.name == MANIFEST:
                    manifest_data = bytes(buf)
                else:
                    manifest_sum = bytes(buf)
                continue
            if info.name in seen:
                raise ArchiveError(f"member {info.name!r} appears twice")
            seen[info.name] = _read_member(tar, info)
            if progress is not None:
                progress(raw.tell(), total)
    manifest = _checked_manifest(path, manifest_data, manifest_sum)
    listed = {m.name for m in manifest.members}
    for m in manifest.members:
        if m.name not in seen:
            raise ArchiveError(f"member {m.name!r} is in the manifest but missing from the archive")
        digest, size = seen[m.name]
        if size != m.size or digest != m.sha256:
            raise ArchiveError(f"member {m.name!r} is damaged (SHA-256 or size differs from the manifest)")
    unlisted = sorted(set(seen) - listed)
    if unlisted:
        raise ArchiveError(f"member {unlisted[0]!r} is not in the manifest")
    return Verified(manifest, len(seen), sum(m.size for m in manifest.members))


def extract(path: Path, manifest: Manifest, want: Callable[[str], Path | None],
            progress: Callable[[str], None] | None = None, *, stop_after: str | None = None) -> None:
    """Writes each member for which ``want(name)`` gives a path there (through a temporary name
    and a rename), checking each member's sum against the (verified) manifest again; stops
    reading after the member ``stop_after``."""
    with _open(path) as (tar, _raw):
        for info in _members(tar):
            target = None if info.name in (MANIFEST, MANIFEST_SUM) else want(safe_name(info.name))
            if target is not None:
                _extract_one(tar, info, manifest, target)
                if progress is not None:
                    progress(info.name)
            if info.name == stop_after:
                return


def _extract_one(tar: tarfile.TarFile, info: tarfile.TarInfo, manifest: Manifest, target: Path) -> None:
    member = manifest.member(info.name)
    if member is None:
        raise ArchiveError(f"member {info.name!r} is not in the manifest")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    try:
        # 0600 as the media store writes its files (and the secret key needs it).
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            digest, size = _read_member(tar, info, out.write)
        if (digest, size) != (member.sha256, member.size):
            raise ArchiveError(f"member {info.name!r} is damaged (SHA-256 or size differs from the manifest)")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
