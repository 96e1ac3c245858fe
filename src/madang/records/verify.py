"""Checking an exported archive against its manifest: every file there, of the size and SHA-256
the manifest gives, and nothing else beside it."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"


def verify_export(path: str | Path) -> list[str]:
    """The problems found (an empty list: the archive is what the manifest says)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a readable ZIP: {exc}"]
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            files: list[dict[str, Any]] = manifest["files"]
        except KeyError:
            return ["manifest.json is missing or has no list of files"]
        except (ValueError, zipfile.BadZipFile, zlib.error) as exc:
            return [f"manifest.json cannot be read: {exc}"]
        problems: list[str] = []
        present = set(archive.namelist())
        listed = set()
        for item in files:
            name = str(item.get("name"))
            listed.add(name)
            if name not in present:
                problems.append(f"{name}: listed in the manifest but missing")
                continue
            problems += _check(archive, name, item)
        for name in sorted(present - listed - {MANIFEST}):
            problems.append(f"{name}: in the archive but not in the manifest")
        return problems


def _check(archive: zipfile.ZipFile, name: str, item: dict[str, Any]) -> list[str]:
    sha, size = hashlib.sha256(), 0
    try:
        with archive.open(name) as source:
            while chunk := source.read(1 << 16):
                sha.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        # A changed byte usually breaks the ZIP's own CRC before our sum is reached.
        return [f"{name}: cannot be read ({exc})"]
    problems = []
    if size != item.get("size"):
        problems.append(f"{name}: size {size}, the manifest says {item.get('size')}")
    if sha.hexdigest() != item.get("sha256"):
        problems.append(f"{name}: SHA-256 {sha.hexdigest()} does not match the manifest")
    return problems


def manifest_sha256(path: str | Path) -> str | None:
    """The manifest's own sum, to compare with the export log."""
    try:
        with zipfile.ZipFile(path) as archive:
            return hashlib.sha256(archive.read(MANIFEST)).hexdigest()
    except (OSError, KeyError, zipfile.BadZipFile, zlib.error):
        return None
