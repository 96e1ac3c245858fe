"""Writing the archive's entries with their SHA-256 sums as they are written.

Text entries (JSON lines and CSV) are written to temporary files while the rows stream in, and
copied into the ZIP when they are complete: a ZIP takes one entry at a time, and the rows of
posts, revisions and events arrive interleaved. Memory stays at one batch whatever the size."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from madang.text.spreadsheets import csv_writer

CHUNK = 1 << 16
# Excel in Korea opens a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff".encode()


class HashedEntry:
    """A file of the archive being written: a temporary file, its size, its SHA-256, its rows."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.file = tempfile.TemporaryFile(prefix="madang-records-")
        self.sha = hashlib.sha256()
        self.size = 0
        self.rows = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)

    def close(self) -> None:
        self.file.close()


class JsonLines(HashedEntry):
    def add(self, item: dict[str, Any]) -> None:
        self.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        self.rows += 1


class CsvFile(HashedEntry):
    def __init__(self, name: str, header: Sequence[str]) -> None:
        super().__init__(name)
        self.header = list(header)
        self.write(BOM)
        self._rows([self.header])

    def add_all(self, items: Iterable[dict[str, Any]]) -> None:
        rows = [[_cell(item.get(column)) for column in self.header] for item in items]
        self._rows(rows)
        self.rows += len(rows)

    def _rows(self, rows: list[list[Any]]) -> None:
        buffer = io.StringIO()
        csv_writer(buffer).writerows(rows)
        self.write(buffer.getvalue().encode())


def _cell(value: Any) -> Any:
    """The CSV cell; numbers stay numbers so that only text is defused (csv_writer)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class ArchiveWriter:
    """The ZIP on the caller's file object, and the manifest's list of files."""

    def __init__(self, out: BinaryIO) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.files: list[dict[str, Any]] = []

    def add_entry(self, entry: HashedEntry) -> None:
        entry.file.seek(0)
        with self.zip.open(entry.name, "w", force_zip64=entry.size > (1 << 31)) as target:
            while chunk := entry.file.read(CHUNK):
                target.write(chunk)
        self.files.append({"name": entry.name, "size": entry.size, "sha256": entry.sha.hexdigest(),
                           "rows": entry.rows})
        entry.close()

    def add_bytes(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)
        self.files.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    def add_stream(self, name: str, source: BinaryIO) -> None:
        """A media file: stored as it is (photos are compressed already), summed while copied.
        Runs in a worker thread; the ZIP has no other entry open meanwhile."""
        sha, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        with self.zip.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                target.write(chunk)
                sha.update(chunk)
                size += len(chunk)
        self.files.append({"name": name, "size": size, "sha256": sha.hexdigest()})

    def close(self, manifest: dict[str, Any]) -> bytes:
        """Writes manifest.json last and closes the ZIP; returns the manifest's bytes."""
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        self.zip.writestr("manifest.json", data)
        self.zip.close()
        return data


def manifest_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
