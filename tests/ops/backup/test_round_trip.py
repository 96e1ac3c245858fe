"""Backup and restore of the demo city on both databases: every row of every table and every
media file comes back, into an instance that had no database or a migrated, empty one."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from tests.ops.backup.instances import Inst, dangling_foreign_keys, fresh, media_sums, table_rows


@pytest.mark.parametrize("migrated", [False, True], ids=["absent", "migrated-empty"])
def test_a_restored_instance_has_every_row_and_media_file(demo: Inst, archive: Path, migrated: bool,
                                                           request: pytest.FixtureRequest, tmp_path: Path) -> None:
    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    target = fresh(kind, request, tmp_path, migrated=migrated)
    done = target.madang("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout and "secret key: restored" in done.stdout

    source_rows, restored_rows = table_rows(demo.url), table_rows(target.url)
    assert sorted(restored_rows) == sorted(source_rows)
    assert sum(len(rows) for rows in source_rows.values()) > 1000
    assert len(source_rows["statuses"]) > 50 and source_rows["media_attachments"]
    for table, rows in source_rows.items():
        assert restored_rows[table] == rows, table
    assert media_sums(target.media) == media_sums(demo.media)
    assert len(media_sums(demo.media)) > 24
    assert target.secret_key.read_bytes() == demo.secret_key.read_bytes()
    assert target.secret_key.stat().st_mode & 0o077 == 0
    assert dangling_foreign_keys(target.url) == {}


def test_the_manifest_describes_the_archive(demo: Inst, archive: Path) -> None:
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    assert names[-2:] == ["manifest.json", "manifest.json.sha256"]
    assert manifest["database"] == kind and manifest["format"] == "madang-backup"
    assert manifest["alembic_revision"] == table_rows(demo.url)["alembic_version"][0][0]
    assert manifest["madang_version"] and manifest["created_at"].endswith("+00:00")
    member_names = [m["name"] for m in manifest["members"]]
    assert member_names == names[:-2]
    assert member_names[0] == ("database/madang.sqlite3" if kind == "sqlite" else "database/madang.pgdump")
    assert {n.removeprefix("media/") for n in member_names if n.startswith("media/")} == set(media_sums(demo.media))
    assert all(len(m["sha256"]) == 64 for m in manifest["members"])
    assert archive.stat().st_mode & 0o077 == 0  # it holds the database and the secret key

    verified = demo.madang("backup", "verify", str(archive))
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("ok: ")
