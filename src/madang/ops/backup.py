"""``madang backup`` and ``madang restore``: the whole instance (database, media folder, secret
key file) into one verifiable archive and back, without stopping the server for a backup.

Media in an S3-compatible bucket (MADANG_MEDIA_STORE=s3, decision 0066) are carried the same
way: every object is read from the bucket into the archive, and written back into the bucket
on restore (the archive's members are the same ``media/<key>`` either way, so an archive made
from a local folder restores into a bucket and back).

Order: the database snapshot first, then the media folder. A photo uploaded after the snapshot
is carried as a file no row names (harmless); every row of the snapshot finds its file unless
the file was deleted between the two steps (a post removed during the backup).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from madang.ops import databases
from madang.ops.archive import ArchiveError, ArchiveWriter, Manifest, extract, is_gzip_name, read_manifest, verify
from madang.ops.databases import DatabaseError

DB_MEMBER = {"sqlite": "database/madang.sqlite3", "postgresql": "database/madang.pgdump"}
MEDIA_PREFIX = "media/"
SECRET_KEY_MEMBER = "instance/secret_key"


class RestoreRefused(Exception):
    """The target is not empty (without ``force``), or the archive does not fit it; nothing changed."""


@dataclass
class Progress:
    """What a long step reports; the CLI shows it on standard error. ``total`` 0: unknown."""

    step: Callable[[str, int], None] = lambda _name, _total: None
    advance: Callable[[int, int], None] = lambda _done, _total: None
    note: Callable[[str], None] = lambda _message: None


@dataclass(frozen=True)
class Instance:
    """Where one instance keeps its state (taken from Settings by the CLI)."""

    database_url: str
    media_path: Path
    secret_key_path: Path | None = None  # the key file, when the key is not given in the environment
    # The media store (media.storage.location_of) when it is not the local folder at media_path.
    media_location: dict | None = None

    @property
    def media_bucket(self):  # type: ignore[no-untyped-def]
        """The object store media live in, or None for the local folder."""
        if not self.media_location or self.media_location.get("kind") == "local":
            return None
        from madang.media.storage import open_store

        return open_store(self.media_location)

    @property
    def kind(self) -> str:
        return databases.kind_of(self.database_url)


def madang_version() -> str:
    try:
        return version("madang")
    except PackageNotFoundError:
        return "unknown"


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under the media folder (temporary upload files aside), sorted."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.startswith((".upload-", ".")):
                continue
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def create_backup(instance: Instance, out: Path, *, include_secret_key: bool = True,
                  progress: Progress | None = None) -> Manifest:
    """Writes the archive to ``out`` (through ``out``.partial and a rename: a file under the final
    name is always complete)."""
    progress = progress or Progress()
    kind = instance.kind
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    extra: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix=".madang-backup-", dir=out.parent) as work:
        snapshot = Path(work) / "db"
        if kind == "sqlite":
            progress.step("database (SQLite online backup)", 0)
            databases.sqlite_snapshot(instance.database_url, snapshot, progress.advance)
            revision = databases.sqlite_revision(snapshot)
        else:
            target = databases.PgTarget.from_url(instance.database_url)
            extra["postgresql_server_version"] = databases.pg_server_version(target)
            progress.step("database (pg_dump)", 0)
            tables = [0]

            def dumped(_table: str) -> None:
                tables[0] += 1
                progress.advance(tables[0], 0)

            databases.pg_dump(instance.database_url, snapshot, dumped)
            revision = databases.pg_dump_revision(snapshot)
        writer = ArchiveWriter(partial, gzip=is_gzip_name(out))
        try:
            writer.add_file(DB_MEMBER[kind], snapshot)
            snapshot.unlink()
            bucket = instance.media_bucket
            if bucket is not None:
                _add_bucket(bucket, writer, progress)
            else:
                media = _media_files(instance.media_path)
                progress.step("media files", len(media))
                for n, (name, path) in enumerate(media, 1):
                    try:
                        writer.add_file(MEDIA_PREFIX + name, path)
                    except FileNotFoundError:
                        progress.note(f"media file {name} was removed during the backup; skipped")
                    progress.advance(n, len(media))
            if include_secret_key and instance.secret_key_path is not None and instance.secret_key_path.is_file():
                writer.add_bytes(SECRET_KEY_MEMBER, instance.secret_key_path.read_bytes())
            manifest = Manifest(database=kind, alembic_revision=revision, madang_version=madang_version(),
                                created_at=datetime.now(UTC).isoformat(timespec="seconds"), extra=extra)
            writer.finish(manifest)
        except BaseException:
            writer.abort()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, out)
    return manifest


def _add_bucket(bucket, writer: ArchiveWriter, progress: Progress) -> None:  # type: ignore[no-untyped-def]
    keys = sorted(bucket.keys())
    progress.step("media files (object storage)", len(keys))
    for n, key in enumerate(keys, 1):
        try:
            writer.add_bytes(MEDIA_PREFIX + key, bucket.read(key))
        except FileNotFoundError:
            progress.note(f"media file {key} was removed during the backup; skipped")
        progress.advance(n, len(keys))


def _known_revisions() -> tuple[set[str], str | None]:
    from alembic.script import ScriptDirectory

    from madang.db.migrate import MIGRATIONS

    script = ScriptDirectory(str(MIGRATIONS))
    return {rev.revision for rev in script.walk_revisions()}, script.get_current_head()


def what_is_there(instance: Instance) -> list[str]:
    """Why the target is not empty: tables with rows and a media folder with files (empty: [])."""
    if instance.kind == "sqlite":
        tables = databases.sqlite_nonempty_tables(instance.database_url)
    else:
        tables = databases.pg_nonempty_tables(instance.database_url)
    reasons = []
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        reasons.append(f"the database has rows ({shown})")
    bucket = instance.media_bucket
    if bucket is not None:
        if next(iter(bucket.keys()), None) is not None:
            reasons.append(f"the media bucket {bucket.bucket} holds files")
    elif _media_files(instance.media_path):
        reasons.append(f"the media folder {instance.media_path} holds files")
    return reasons


@dataclass
class Restored:
    manifest: Manifest
    media_files: int
    needs_migrate: bool
    secret_key: str  # "restored", "kept from the environment", "not in the archive", "left out"


def restore_backup(instance: Instance, archive: Path, *, force: bool = False, restore_secret_key: bool = True,
                   progress: Progress | None = None) -> Restored:
    """Checks the whole archive, refuses what does not fit (a non-empty target without ``force``,
    another database kind, a schema newer than this madang), then restores the database (one
    transaction) and writes the media files."""
    progress = progress or Progress()
    manifest = read_manifest(archive)
    if manifest.database != instance.kind:
        raise RestoreRefused(f"the archive holds a {manifest.database} database and this instance uses "
                             f"{instance.kind}: restoring across database kinds is not supported")
    known, head = _known_revisions()
    if manifest.alembic_revision is not None and manifest.alembic_revision not in known:
        raise RestoreRefused(f"the archive's schema (revision {manifest.alembic_revision}) is newer than this "
                             f"madang knows (head {head}): install madang {manifest.madang_version} or later first")
    if not force:
        reasons = what_is_there(instance)
        if reasons:
            raise RestoreRefused("the target instance is not empty: " + "; ".join(reasons)
                                 + ". Nothing was changed; restore into an empty instance, or add --force to "
                                   "replace its database and write the archive's media over its media folder")
    progress.step("checking the archive", archive.stat().st_size)
    if verify(archive, progress.advance).manifest.to_json() != manifest.to_json():
        raise ArchiveError("the archive changed while it was being read")
    media_members = [m.name for m in manifest.members if m.name.startswith(MEDIA_PREFIX)]
    db_member = DB_MEMBER[manifest.database]
    media_root = instance.media_path.resolve()
    # The database is unpacked on the instance's own disk (not /tmp, often a small tmpfs).
    if manifest.database == "sqlite":
        scratch = databases.sqlite_path(instance.database_url).resolve().parent
    else:
        scratch = media_root.parent
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".madang-restore-", dir=scratch) as work:
        snapshot = Path(work) / "db"
        extract(archive, manifest, lambda name: snapshot if name == db_member else None, stop_after=db_member)
        if manifest.database == "sqlite":
            progress.step("database (SQLite online backup API)", 0)
            databases.sqlite_restore(instance.database_url, snapshot, progress.advance)
        else:
            progress.step("database (pg_restore, one transaction)", 0)
            databases.pg_restore(instance.database_url, snapshot)
    progress.step("media files", len(media_members))
    done = [0]
    key_path = instance.secret_key_path if restore_secret_key else None
    bucket = instance.media_bucket
    if bucket is not None:
        def advanced() -> None:
            done[0] += 1
            progress.advance(done[0], len(media_members))

        _restore_into_bucket(bucket, archive, manifest, key_path, scratch, advanced)
    else:
        def target_of(name: str) -> Path | None:
            if name == SECRET_KEY_MEMBER:
                return key_path
            if not name.startswith(MEDIA_PREFIX):
                return None
            path = (media_root / name[len(MEDIA_PREFIX):]).resolve()
            if not path.is_relative_to(media_root):
                raise ArchiveError(f"member {name!r} would be written outside the media folder")
            return path

        def wrote(name: str) -> None:
            if name.startswith(MEDIA_PREFIX):
                done[0] += 1
                progress.advance(done[0], len(media_members))

        media_root.mkdir(parents=True, exist_ok=True)
        extract(archive, manifest, target_of, wrote)
    if manifest.member(SECRET_KEY_MEMBER) is None:
        secret = "not in the archive"
    elif not restore_secret_key:
        secret = "left out"
    elif key_path is None:
        secret = "kept from the environment"
    else:
        secret = "restored"
    return Restored(manifest, len(media_members), manifest.alembic_revision != head, secret)


def _restore_into_bucket(bucket, archive: Path, manifest: Manifest, key_path: Path | None,  # type: ignore[no-untyped-def]
                         scratch: Path, advanced: Callable[[], None]) -> None:
    """Each media member is checked against its sum as it is unpacked (one file at a time on
    the local disk), then written to the bucket under its key."""
    from madang.media.storage import BadKey, check_key, content_type_of

    with tempfile.TemporaryDirectory(prefix=".madang-restore-media-", dir=scratch) as work:
        current = Path(work) / "current"

        def target_of(name: str) -> Path | None:
            if name == SECRET_KEY_MEMBER:
                return key_path
            if not name.startswith(MEDIA_PREFIX):
                return None
            try:
                check_key(name[len(MEDIA_PREFIX):])
            except BadKey:
                raise ArchiveError(f"member {name!r} names no media key") from None
            return current

        def wrote(name: str) -> None:
            if name.startswith(MEDIA_PREFIX):
                key = name[len(MEDIA_PREFIX):]
                bucket.save(key, current.read_bytes(), content_type_of(key))
                current.unlink()
                advanced()

        extract(archive, manifest, target_of, wrote)


__all__ = ["ArchiveError", "DatabaseError", "Instance", "Progress", "RestoreRefused", "create_backup",
           "read_manifest", "restore_backup", "verify", "what_is_there"]
