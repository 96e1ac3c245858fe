"""The S3 store itself against moto's server (keys, prefixes, missing files, credentials kept
out of sight), `madang backup` / `madang restore` carrying a bucket's media, and boto3 staying out
of an idle server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.ops.backup.instances import MADANG, fresh
from tests.ops.s3.conftest import SECRET, S3Server


def test_the_store_keeps_files_as_objects(s3_server: S3Server) -> None:
    from madang.core.settings import Settings
    from madang.media.storage import BadKey, location_of, open_store

    bucket = s3_server.new_bucket()
    env = s3_server.env(bucket, MADANG_S3_PREFIX="/town/")
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        settings = Settings(secret_key="s" * 40)
        location = location_of(settings)
        assert SECRET not in json.dumps(location)  # a job payload never carries the credentials
        store = open_store(location)
        assert open_store(location) is store  # one client per process and bucket
        assert SECRET not in repr(store)
        store.save("ab/one.png", b"\x89PNG one", "image/png")
        store.save("emoji/two.webp", b"RIFF two", "image/webp")
        assert s3_server.objects(bucket) == {"town/ab/one.png": b"\x89PNG one", "town/emoji/two.webp": b"RIFF two"}
        head = s3_server.client().head_object(Bucket=bucket, Key="town/ab/one.png")
        assert head["ContentType"] == "image/png" and "immutable" in head["CacheControl"]
        assert store.read("ab/one.png") == b"\x89PNG one"
        with store.open("emoji/two.webp") as body:
            assert body.read() == b"RIFF two"
        assert sorted(store.keys()) == ["ab/one.png", "emoji/two.webp"]
        assert store.exists("ab/one.png") and not store.exists("ab/none.png")
        with pytest.raises(FileNotFoundError):
            store.read("ab/none.png")
        with pytest.raises(BadKey):
            store.save("../escape.png", b"x", "image/png")
        assert store.url("ab/one.png") == "/media/ab/one.png"
        store.delete("ab/one.png")
        store.delete("ab/one.png")  # a repeated delete (jobs retry) is no error
        assert sorted(store.keys()) == ["emoji/two.webp"]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _madang(inst, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([MADANG, *args], env=inst.env(**env), capture_output=True, text=True, timeout=300,
                          cwd=inst.folder)


def test_backup_carries_the_bucket_and_restore_fills_an_empty_one(
        s3_server: S3Server, request: pytest.FixtureRequest, tmp_root: Path) -> None:
    source, target = s3_server.new_bucket(), s3_server.new_bucket()
    client = s3_server.client()
    files = {f"{n:02x}/photo{n}.png": os.urandom(500 + n * 300) for n in range(12)}
    files["emoji/party.gif"] = b"GIF89a party"
    for key, data in files.items():
        client.put_object(Bucket=source, Key=key, Body=data)
    client.put_object(Bucket=source, Key="not-media.txt", Body=b"left alone")  # not a media key

    old = fresh("sqlite", request, tmp_root / "s3-backup", migrated=True)
    archive = old.folder / "with-bucket.tar"
    done = _madang(old, s3_server.env(source), "backup", "--out", str(archive))
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    with tarfile.open(archive) as tar:
        members = {m.name for m in tar.getmembers()}
    assert {"media/" + k for k in files} <= members and "media/not-media.txt" not in members
    assert not old.media.exists()  # nothing was read from (or written to) a local folder

    new = fresh("sqlite", request, tmp_root / "s3-backup", migrated=True)
    client.put_object(Bucket=target, Key="aa/already.png", Body=b"here")
    refused = _madang(new, s3_server.env(target), "restore", str(archive))
    assert refused.returncode != 0 and "bucket" in (refused.stdout + refused.stderr)
    client.delete_object(Bucket=target, Key="aa/already.png")
    restored = _madang(new, s3_server.env(target), "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert s3_server.objects(target) == files
    assert not new.media.exists()


PROBE = """
import json, sys
import madang.asgi
print(json.dumps(sorted(sys.modules)))
"""


def test_an_idle_server_with_a_bucket_does_not_load_boto3(s3_server: S3Server, tmp_path: Path) -> None:
    env = {"MADANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'probe.sqlite3'}",
           "MADANG_SECRET_KEY": "x" * 40, "PATH": "/usr/bin:/bin", **s3_server.env("idle-bucket"),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "madang.app" in loaded
    assert not {"boto3", "botocore"} & loaded


def test_doctor_checks_the_bucket(s3_server: S3Server, request: pytest.FixtureRequest, tmp_root: Path) -> None:
    inst = fresh("sqlite", request, tmp_root / "s3-doctor", migrated=True)
    bucket = s3_server.new_bucket()
    good = _madang(inst, s3_server.env(bucket), "doctor")
    line = next(x for x in good.stdout.splitlines() if "media store" in x)
    assert "OK" in line and bucket in line, good.stdout
    assert not s3_server.objects(bucket)  # the probe object was removed
    bad = _madang(inst, s3_server.env("no-such-bucket-here"), "doctor")
    line = next(x for x in bad.stdout.splitlines() if "media store" in x)
    assert "FAIL" in line and bad.returncode != 0, bad.stdout
    assert SECRET not in good.stdout + bad.stdout + good.stderr + bad.stderr


def test_custom_emoji_added_from_the_cli_goes_to_the_bucket(s3_server: S3Server, request: pytest.FixtureRequest,
                                                           tmp_root: Path) -> None:
    from PIL import Image

    inst = fresh("sqlite", request, tmp_root / "s3-emoji", migrated=True)
    bucket = s3_server.new_bucket()
    image = inst.folder / "party.png"
    Image.new("RGBA", (32, 32), (255, 0, 120, 255)).save(image, "PNG")
    done = _madang(inst, s3_server.env(bucket), "emoji", "add", "party", str(image))
    assert done.returncode == 0, done.stderr
    assert len(s3_server.objects(bucket)) == 2  # the emoji and its static copy
    assert not inst.media.exists()
