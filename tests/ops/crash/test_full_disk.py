"""A full disk: the SQLite file, and separately the media folder, on a small tmpfs that a filler
file fills. Writes answer 503 with a clear error (Mastodon's JSON error on the API), nothing is
corrupted (PRAGMA integrity_check), and service resumes once the filler is deleted.

The tmpfs is mounted in a mount namespace of the server's own (`unshare -m`), so nothing on the
machine sees it; the test reaches into it through /proc/PID/root. It needs root (or the right to
unshare and mount); where that is missing the tests skip and say why."""

from __future__ import annotations

import errno
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.ops.crash.serving import Server, madang_serve, serve_env
from tests.ops.crash.town import make_town

MOUNT = 'mount -t tmpfs -o size="$CRASH_TMPFS_SIZE" tmpfs "$CRASH_TMPFS" && '


def _can_mount() -> str | None:
    """Why a tmpfs cannot be mounted here, or None."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    folder = tempfile.mkdtemp(prefix="madang-crash-probe-")
    try:
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                f"mount -t tmpfs -o size=64k tmpfs {folder}"], capture_output=True, text=True,
                               timeout=10)
        return None if probe.returncode == 0 else f"cannot mount a tmpfs in a mount namespace: {probe.stderr.strip()}"
    finally:
        os.rmdir(folder)


pytestmark = pytest.mark.skipif((reason := _can_mount()) is not None, reason=str(reason))


def fill(folder: Path) -> Path:
    """Write a filler file until the filesystem says it is full (unbuffered: not one byte left)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)
    return filler


def post(http: httpx.Client, text: str) -> httpx.Response:
    return http.post("/api/v1/statuses", data={"status": text})


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "small"
    folder.mkdir()
    yield folder


def _in_namespace(server: Server, path: Path) -> Path:
    """The same path as the server sees it (inside its mount namespace)."""
    return Path(f"/proc/{server.pid}/root{path}")


async def test_a_full_disk_under_the_sqlite_file(sqlite_url: str, tmp_path: Path, inside: Path) -> None:
    town = await make_town(sqlite_url, citizens=1)
    source = Path(sqlite_url.split("///", 1)[1])
    database = inside / "madang.sqlite3"
    env = serve_env(f"sqlite+aiosqlite:///{database}", tmp_path / "media", MADANG_EMBEDDED_WORKER="false",
                    CRASH_TMPFS=str(inside), CRASH_TMPFS_SIZE="8m", CRASH_SOURCE=str(source),
                    CRASH_TARGET=str(database))
    shell = MOUNT + 'cp "$CRASH_SOURCE" "$CRASH_TARGET" && exec "$MADANG_BIN" serve'
    with madang_serve(env, tmp_path / "serve.log", prefix=("unshare", "-m", "--propagation", "private"),
                      shell=shell) as server:
        seen = _in_namespace(server, inside)
        with httpx.Client(base_url=server.base, timeout=10, headers={"Authorization": f"Bearer {town.tokens[0]}"}) as http:
            assert post(http, "디스크가 차기 전").status_code == 200
            filler = fill(seen)
            # SQLite may reuse WAL pages it already has for a while: write until it cannot.
            answers = [post(http, f"디스크가 가득 {n} " + "가" * 120) for n in range(200)]
            refused = [r for r in answers if r.status_code != 200]
            assert refused, "200 posts written on a full disk"
            print(f"first refusal after {len(answers) - len(refused)} posts: {refused[0].status_code} {refused[0].text}")
            assert refused[0].status_code == 503, refused[0].text
            assert refused[0].headers["content-type"].startswith("application/json")
            assert "full" in refused[0].json()["error"].lower()
            # An Open311 app gets GeoReport v2's error list; a web page a sentence.
            civic = http.post("/open311/v2/requests.json", data={
                "api_key": town.api_key, "service_code": "welfare_question", "description": "기초연금 문의",
                "lat": "37.39", "long": "126.95"})
            assert civic.status_code == 503 and civic.json()[0]["code"] == 503, civic.text
            assert "disk is full" in civic.json()[0]["description"]
            assert http.get("/api/v1/timelines/home").status_code == 200  # reads go on
            assert integrity(seen / database.name) == "ok"
            filler.unlink()
            after = post(http, "공간이 돌아왔다")
            assert after.status_code == 200, after.text
            assert integrity(seen / database.name) == "ok"
    assert "Traceback" not in server.output()


def _png() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 80).convert("RGB").save(out, "PNG")
    return out.getvalue()


async def test_a_full_disk_under_the_media_folder(sqlite_url: str, tmp_path: Path, inside: Path) -> None:
    town = await make_town(sqlite_url, citizens=1)
    env = serve_env(sqlite_url, inside, MADANG_EMBEDDED_WORKER="false",
                    CRASH_TMPFS=str(inside), CRASH_TMPFS_SIZE="4m")
    with madang_serve(env, tmp_path / "serve.log", prefix=("unshare", "-m", "--propagation", "private"),
                      shell=MOUNT + 'exec "$MADANG_BIN" serve') as server:
        seen = _in_namespace(server, inside)
        photo = _png()
        with httpx.Client(base_url=server.base, timeout=10, headers={"Authorization": f"Bearer {town.tokens[0]}"}) as http:
            def upload() -> httpx.Response:
                return http.post("/api/v2/media", files={"file": ("photo.png", photo, "image/png")})

            first = upload()
            assert first.status_code in (200, 202), first.text
            filler = fill(seen)
            refused = upload()
            print(f"upload on a full media folder: {refused.status_code} {refused.text}")
            assert refused.status_code == 503, refused.text
            assert "full" in refused.json()["error"].lower()
            assert not [p for p in seen.rglob(".upload-*")], "a half-written upload was left behind"
            assert post(http, "사진 없이 글은 써진다").status_code == 200  # the database is elsewhere
            filler.unlink()
            again = upload()
            assert again.status_code in (200, 202), again.text
            assert http.get(again.json()["url"].replace(server.base, "")).status_code == 200
    assert integrity(Path(sqlite_url.split("///", 1)[1])) == "ok"
    assert "Traceback" not in server.output()
