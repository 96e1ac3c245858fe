"""A real `madang serve` keeping media in an S3-compatible bucket (moto's server on loopback):
photos uploaded through Mastodon.py land in the bucket and are served back, proxied under
/media/ or from the bucket's own address (MADANG_S3_PUBLIC_URL); removals reach the bucket."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mastodon_api.clients import eventually, new_app, register
from tests.ops.s3.conftest import SECRET, S3Server
from tests.support.serve_process import Served, madang_serve


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def proxied(s3_server: S3Server, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Served, str]]:
    bucket = s3_server.new_bucket()
    folder = tmp_path_factory.mktemp("s3-proxied")
    with madang_serve(sqlite_template, folder, MADANG_EMBEDDED_WORKER="true", MADANG_WORKER_POLL_SECONDS="0.2",
                      **s3_server.env(bucket, MADANG_S3_PREFIX="city")) as served:
        yield served, bucket


@pytest.fixture(scope="module")
def public(s3_server: S3Server, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Served, str]]:
    bucket = s3_server.new_bucket()
    s3_server.allow_public_reads(bucket)
    folder = tmp_path_factory.mktemp("s3-public")
    env = s3_server.env(bucket, MADANG_S3_PUBLIC_URL=f"{s3_server.endpoint}/{bucket}/")
    with madang_serve(sqlite_template, folder, **env) as served:
        yield served, bucket


def test_upload_lands_in_the_bucket_and_is_served_through_media(proxied: tuple[Served, str],
                                                                s3_server: S3Server) -> None:
    served, bucket = proxied
    api, _, _ = register(served.base, new_app(served.base))
    media = api.media_post(png((0, 120, 200)), mime_type="image/png", file_name="공원.png", description="중앙공원")
    status = api.status_post("공원 사진 #안양", media_ids=[media])

    objects = s3_server.objects(bucket)
    assert len(objects) == 2 and all(k.startswith("city/") for k in objects)  # original and preview, under the prefix
    assert not (Path(served.stdout).parent / "media").exists()  # nothing in the local folder
    attachment = status.media_attachments[0]
    assert attachment.url.startswith(served.base + "/media/")
    for url in (attachment.url, attachment.preview_url):
        key = url.split("/media/", 1)[1]
        answer = httpx.get(url, timeout=10)
        assert answer.status_code == 200
        assert answer.content == objects["city/" + key]
        assert answer.headers["content-type"] == "image/png" or answer.headers["content-type"].startswith("image/")
        assert "immutable" in answer.headers["cache-control"]
        head = httpx.head(url, timeout=10)
        assert head.status_code == 200 and int(head.headers["content-length"]) == len(answer.content)
    missing = httpx.get(served.base + "/media/ab/" + "0" * 32 + ".png", timeout=10)
    assert missing.status_code == 404
    assert httpx.get(served.base + "/media/../etc/passwd.png", timeout=10).status_code == 404
    assert SECRET not in served.output()  # credentials never logged


def test_deleting_media_removes_the_objects(proxied: tuple[Served, str], s3_server: S3Server) -> None:
    served, bucket = proxied
    api, _, _ = register(served.base, new_app(served.base))
    before = set(s3_server.objects(bucket))
    media = api.media_post(png((200, 30, 30)), mime_type="image/png", file_name="x.png")
    added = set(s3_server.objects(bucket)) - before
    assert len(added) == 2
    gone = httpx.delete(f"{served.base}/api/v1/media/{media.id}",
                        headers={"Authorization": f"Bearer {api.access_token}"}, timeout=10)
    assert gone.status_code == 200
    eventually(lambda: not (added & set(s3_server.objects(bucket))), timeout=20)
    key = sorted(added)[0].removeprefix("city/")
    assert httpx.get(f"{served.base}/media/{key}", timeout=10).status_code == 404


def test_public_url_sends_clients_to_the_bucket(public: tuple[Served, str], s3_server: S3Server) -> None:
    served, bucket = public
    api, _, _ = register(served.base, new_app(served.base))
    media = api.media_post(png((10, 200, 10)), mime_type="image/png", file_name="p.png")
    assert media.url.startswith(f"{s3_server.endpoint}/{bucket}/")  # the bucket's address, not madang's
    key = media.url.split(f"/{bucket}/", 1)[1]
    stored = s3_server.objects(bucket)[key]
    assert httpx.get(media.url, timeout=10).content == stored  # served by the bucket itself
    redirect = httpx.get(f"{served.base}/media/{key}", timeout=10)  # old /media/ links still lead there
    assert redirect.status_code == 301 and redirect.headers["location"] == media.url
