"""`madang backup verify` finds one flipped byte anywhere that matters, and `madang restore`
refuses what it must (a non-empty instance without --force, another database kind, a damaged
archive) with a clear message, a non-zero exit, and nothing changed."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from tests.ops.backup.instances import Inst, fresh, media_sums, table_rows


def _flipped(archive: Path, folder: Path, member: str, where: float = 0.5) -> Path:
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    copy = folder / f"flipped-{member.replace('/', '_')}.tar"
    shutil.copyfile(archive, copy)
    offset = info.offset_data + int(info.size * where)
    with copy.open("r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x01]))
    return copy


def _members(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def test_verify_finds_a_flipped_byte_in_any_member(demo: Inst, archive: Path, tmp_path: Path) -> None:
    from madang.ops.archive import ArchiveError, verify

    names = _members(archive)
    media = next(n for n in names if n.startswith("media/"))
    # The command once (its message and exit status), the same check in-process for the others.
    damaged = _flipped(archive, tmp_path, names[0])
    done = demo.madang("backup", "verify", str(damaged))
    assert done.returncode == 1 and done.stderr.splitlines()[-1].startswith("damaged: "), done.stderr
    assert repr(names[0]) in done.stderr
    for member, where in ((names[0], 0.0), (media, 0.9), ("manifest.json", 0.5), ("manifest.json.sha256", 0.1)):
        damaged = _flipped(archive, tmp_path, member, where)
        with pytest.raises(ArchiveError, match="damaged") as caught:
            verify(damaged)
        if not member.startswith("manifest"):
            assert repr(member) in str(caught.value)
        damaged.unlink()
    # A damaged tar header (here a media file's name) ends what tarfile can read: found as well.
    with tarfile.open(archive) as tar:
        header = tar.getmember(media).offset
    damaged = tmp_path / "header.tar"
    data = bytearray(archive.read_bytes())
    data[header + 3] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(ArchiveError):
        verify(damaged)
    assert verify(archive).members == len(names) - 2


def test_verify_and_restore_refuse_a_truncated_archive(demo: Inst, archive: Path, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    from madang.ops.archive import ArchiveError, verify

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ArchiveError, match="damaged|no manifest"):
        verify(cut)
    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    target = fresh(kind, request, tmp_path, migrated=True)
    before = table_rows(target.url)
    done = target.madang("restore", str(cut))
    assert done.returncode == 1 and "nothing restored" in done.stderr, done.stderr
    assert table_rows(target.url) == before and media_sums(target.media) == {}


def test_restore_with_a_damaged_member_changes_nothing(demo: Inst, archive: Path, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    target = fresh(kind, request, tmp_path, migrated=True)
    before = table_rows(target.url)
    damaged = _flipped(archive, tmp_path, _members(archive)[-3])  # the last media file (or the key)
    done = target.madang("restore", str(damaged))
    assert done.returncode == 1 and "damaged" in done.stderr
    assert table_rows(target.url) == before and media_sums(target.media) == {}


def test_restore_refuses_a_non_empty_instance_unless_forced(demo: Inst, archive: Path, tmp_path: Path,
                                                            request: pytest.FixtureRequest) -> None:
    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    target = fresh(kind, request, tmp_path, migrated=True)
    assert target.madang("restore", str(archive)).returncode == 0
    # Now it holds the demo; one more post and one more photo make it differ from the archive.
    rows = table_rows(target.url)
    (target.media / "zz").mkdir()
    (target.media / "zz" / "later.jpg").write_bytes(b"later")
    done = target.madang("restore", str(archive))
    assert done.returncode == 1
    assert "not empty" in done.stderr and "--force" in done.stderr and "Nothing was changed" in done.stderr
    assert table_rows(target.url) == rows and (target.media / "zz" / "later.jpg").read_bytes() == b"later"

    # Only a media file (the database migrated and empty) is enough to refuse.
    other = fresh(kind, request, tmp_path, migrated=True)
    other.media.mkdir(parents=True)
    (other.media / "left.png").write_bytes(b"x")
    done = other.madang("restore", str(archive))
    assert done.returncode == 1 and "media folder" in done.stderr

    forced = target.madang("restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert table_rows(target.url) == table_rows(demo.url)


def test_a_new_instance_started_once_counts_as_empty(demo: Inst, archive: Path, tmp_path: Path,
                                                     request: pytest.FixtureRequest) -> None:
    """A server's first start enqueues its recurring jobs (trends, sweeps): still an empty instance."""
    import asyncio

    from madang.db import Database
    from madang.jobs import enqueue

    kind = "sqlite" if demo.url.startswith("sqlite") else "postgresql"
    target = fresh(kind, request, tmp_path, migrated=True)

    async def started_once() -> None:
        db = Database(target.url)
        try:
            async with db.write() as session:
                await enqueue(session, "trends.refresh")
        finally:
            await db.dispose()

    asyncio.run(started_once())
    done = target.madang("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert table_rows(target.url) == table_rows(demo.url)


def test_restore_refuses_another_database_kind(demo: Inst, archive: Path, tmp_path: Path,
                                              request: pytest.FixtureRequest) -> None:
    other_kind = "postgresql" if demo.url.startswith("sqlite") else "sqlite"
    target = fresh(other_kind, request, tmp_path, migrated=True)
    before = table_rows(target.url)
    done = target.madang("restore", str(archive))
    assert done.returncode == 1 and "across database kinds" in done.stderr, done.stderr
    assert table_rows(target.url) == before
