"""Photos through the API, driven by Mastodon.py and httpx against a real server (SQLite and
PostgreSQL): upload with alt text, the served file free of EXIF and GPS, posting with media,
and every bad upload refused with a JSON 4xx that leaves no row and no file behind."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError
from PIL import Image
from sqlalchemy import func, select

from madang.db import Database
from madang.media import load_media_for_statuses
from madang.models import MediaAttachment
from tests.mastodon_api.clients import assert_json_error, auth, new_app, register
from tests.media import images
from tests.support.server import running_server

MAX_BYTES = 400_000


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def server(database_url: str, media_dir: Path) -> Iterator[str]:
    with running_server(database_url, media_path=media_dir, media_max_bytes=MAX_BYTES,
                        media_max_pixels=4_000_000) as url:
        yield url


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def db_query(database_url: str, fn):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        database = Database(database_url, pool_size=1)
        try:
            async with database.read() as s:
                return await fn(s)
        finally:
            await database.dispose()
    return asyncio.run(go())


def count_rows(database_url: str) -> int:
    async def count(s):  # type: ignore[no-untyped-def]
        return int(await s.scalar(select(func.count()).select_from(MediaAttachment)))
    return db_query(database_url, count)


def test_upload_describe_and_post_photos_with_mastodon_py(server: str, database_url: str, media_dir: Path) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    photo = images.phone_jpeg(400, 300, orientation=6)
    media = api.media_post(photo, mime_type="image/jpeg", description="안양천 벚꽃길, 분홍 꽃이 핀 산책로",
                           focus=(0.25, -0.5), file_name="벚꽃.jpg")
    assert media.type == "image" and media.description == "안양천 벚꽃길, 분홍 꽃이 핀 산책로"
    assert media.url.startswith(server + "/media/") and media.preview_url.startswith(server + "/media/")
    assert media.meta.original.width == 300 and media.meta.original.height == 400  # upright
    assert media.meta.original.size == "300x400" and media.meta.original.aspect == 0.75
    assert media.meta.small.width == 300 and media.meta.focus.x == 0.25 and media.meta.focus.y == -0.5
    assert isinstance(media.blurhash, str) and media.remote_url is None

    served = httpx.get(media.url)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert images.exif_and_gps(served.content) == ({}, {}, {})  # no EXIF, no GPS, no comment
    assert Image.open(io.BytesIO(served.content)).size == (300, 400)
    small = httpx.get(media.preview_url)
    assert small.status_code == 200 and images.exif_and_gps(small.content) == ({}, {}, {})
    assert b"MadangCam" not in served.content + small.content

    updated = api.media_update(media, description="안양천 벚꽃길 (수정)", focus=(0.0, 1.0))
    assert updated.description == "안양천 벚꽃길 (수정)" and updated.meta.focus.y == 1.0
    assert api.media(media).description == "안양천 벚꽃길 (수정)"

    second = api.media_post(images.png_with_metadata(), mime_type="image/png")
    assert second.description is None and httpx.get(second.url).headers["content-type"] == "image/png"
    status = api.status_post("", media_ids=[second, media])  # a photo post may have no text
    assert [m.id for m in status.media_attachments] == [second.id, media.id]
    assert status.media_attachments[1].description == "안양천 벚꽃길 (수정)"
    # Timelines and the status itself show the photos, in the author's order.
    home = api.timeline_home()
    assert [m.id for m in home[0].media_attachments] == [second.id, media.id]
    assert home[0].media_attachments[1].meta.original.width == 300
    assert [m.id for m in api.status(status).media_attachments] == [second.id, media.id]
    assert [s.id for s in api.timeline_public(only_media=True)] == [status.id]
    assert [s.id for s in api.account_statuses(api.me(), only_media=True)] == [status.id]

    async def shown(s):  # type: ignore[no-untyped-def]
        return [m.id for m in (await load_media_for_statuses(s, [int(status.id)]))[int(status.id)]]
    assert db_query(database_url, shown) == [int(second.id), int(media.id)]
    # Once posted, its alt text changes through an edit of the post (as on Mastodon).
    with pytest.raises(MastodonNotFoundError):
        api.media_update(media, description="늦은 수정")

    third = api.media_post(images.webp(), mime_type="image/webp")
    edited = api.status_update(status, "사진을 바꿨어요", media_ids=[third])
    assert edited.edited_at is not None
    assert [m.id for m in edited.media_attachments] == [third.id]
    assert [m.id for m in api.timeline_home()[0].media_attachments] == [third.id]
    assert db_query(database_url, shown) == [int(third.id)]
    assert len(files_in(media_dir)) == 6  # three uploads, two files each


def test_v1_v2_json_shapes_and_delete(server: str) -> None:
    app = new_app(server)
    _, username, password = register(server, app)
    from tests.mastodon_api.clients import password_token
    token = password_token(server, app, username, password, "read write")
    for path in ("/api/v1/media", "/api/v2/media"):
        answer = httpx.post(server + path, headers=auth(token), data={"description": "분수대"},
                            files={"file": ("x.gif", images.animated_gif(), "image/gif")})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) >= {"id", "type", "url", "preview_url", "remote_url", "meta", "description", "blurhash"}
        assert body["type"] == "image" and httpx.get(body["url"]).headers["content-type"] == "image/gif"
        assert Image.open(io.BytesIO(httpx.get(body["url"]).content)).n_frames == 4  # still animated
    deleted = httpx.delete(f"{server}/api/v1/media/{body['id']}", headers=auth(token))
    assert deleted.status_code == 200 and deleted.json() == {}
    assert httpx.get(body["url"]).status_code == 404
    assert_json_error(httpx.get(f"{server}/api/v1/media/{body['id']}", headers=auth(token)), 404)


def _raw_request(base: str, head: str, body_start: bytes) -> bytes:
    """Send a request's head and only the start of its body, then read the answer: a server
    that waited for the whole declared body would never answer."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(head.encode() + body_start)
        return sock.recv(65536)


def test_bad_uploads_are_refused_and_leave_nothing(server: str, database_url: str, media_dir: Path) -> None:
    app = new_app(server)
    _, username, password = register(server, app)
    from tests.mastodon_api.clients import password_token
    token = password_token(server, app, username, password, "read write")

    def post(data: bytes, content_type: str = "image/jpeg", name: str = "photo.jpg", **fields: str) -> httpx.Response:
        return httpx.post(f"{server}/api/v2/media", headers=auth(token), data=fields,
                          files={"file": (name, data, content_type)})

    cases = [
        (post(images.html_named_jpeg()), "not supported"),  # lies about its type
        (post(images.tiff(), "image/png", "photo.png"), "not supported"),
        (post(images.truncated(images.phone_jpeg(600, 400))), "truncated"),
        (post(images.png_bomb(), "image/png", "bomb.png"), "too large"),  # 25 Mpx in 24 kB
        (post(images.png_claiming(100_000, 100_000), "image/png"), "too large"),
        (post(b"\xff\xd8" + b"0" * (MAX_BYTES + 10)), "File is too large"),  # over the limit, under the body cap
        (post(images.phone_jpeg(), description="가" * 1501), "Description is too long"),
        (post(images.phone_jpeg(), focus="3,0"), "Focus"),
        (httpx.post(f"{server}/api/v2/media", headers=auth(token), data={"description": "파일 없음"}), "blank"),
    ]
    for answer, message in cases:
        error = assert_json_error(answer, 422)
        assert message in error, (message, error)
    assert count_rows(database_url) == 0 and files_in(media_dir) == []

    # A body far over the limit is refused from its Content-Length, before it is sent.
    head = (f"POST /api/v2/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000000\r\n\r\n")
    answer = _raw_request(server, head, b"--b\r\n")
    assert answer.startswith(b"HTTP/1.1 413") and b'"error"' in answer
    # Without a Content-Length (chunked), it is cut off once the count passes the limit.
    head = (f"POST /api/v2/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n")
    part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    chunk = b"0" * 100_000
    body = b"%x\r\n%s\r\n" % (len(part), part) + b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6))
    answer = _raw_request(server, head, body)
    assert answer.startswith(b"HTTP/1.1 413")
    assert count_rows(database_url) == 0 and files_in(media_dir) == []
    # The server is fine afterwards.
    assert post(images.phone_jpeg()).status_code == 200


def test_attaching_rules_and_other_peoples_media(server: str, database_url: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    other, _, _ = register(server, app)
    mine = [api.media_post(images.phone_jpeg(40, 30), mime_type="image/jpeg") for _ in range(5)]
    theirs = other.media_post(images.phone_jpeg(40, 30), mime_type="image/jpeg")
    for ids, message in ((mine, "more than 4"), ([mine[0], theirs], str(theirs.id)), ([mine[0], 12345], "12345")):
        with pytest.raises(MastodonAPIError) as error:
            api.status_post("사진들", media_ids=ids)
        assert error.value.args[1] == 422 and message in str(error.value)
    with pytest.raises(MastodonNotFoundError):
        api.media(theirs)
    with pytest.raises(MastodonNotFoundError):
        api.media_update(theirs, description="남의 사진에 설명")
    assert other.media(theirs).description is None
    with pytest.raises(MastodonNotFoundError):
        api.media(99999)

    posted = api.status_post("넉 장", media_ids=mine[:4])

    async def attached(s):  # type: ignore[no-untyped-def]
        return dict((await s.execute(select(MediaAttachment.id, MediaAttachment.status_id))).all())
    state = db_query(database_url, attached)
    assert [state[int(m.id)] for m in mine] == [int(posted.id)] * 4 + [None] and state[int(theirs.id)] is None
    with pytest.raises(MastodonAPIError) as error:  # already on another post
        api.status_post("다시", media_ids=[mine[0]])
    assert error.value.args[1] == 422


def test_media_files_route_refuses_traversal(server: str, media_dir: Path) -> None:
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir.parent / "secret.jpg").write_bytes(b"not for you")
    for path in ("/media/..%2Fsecret.jpg", "/media/%2e%2e/secret.jpg", "/media/ab/../../secret.jpg",
                 "/media/%2Fetc%2Fpasswd", "/media/ab/cd.exe", "/media/nothing-here.jpg"):
        answer = httpx.get(server + path)
        assert answer.status_code == 404 and b"not for you" not in answer.content, path


def test_instance_tells_the_limits(server: str) -> None:
    config = httpx.get(f"{server}/api/v2/instance").json()["configuration"]
    assert config["media_attachments"]["image_size_limit"] == MAX_BYTES
    assert config["media_attachments"]["image_matrix_limit"] == 4_000_000
    assert config["statuses"]["max_media_attachments"] == 4


def test_files_are_served_whole_from_an_open_handle_and_head_tells_the_size(server: str, media_dir: Path) -> None:
    app = new_app(server)
    _, username, password = register(server, app)
    from tests.mastodon_api.clients import password_token
    token = password_token(server, app, username, password, "read write")
    body = httpx.post(f"{server}/api/v2/media", headers=auth(token),
                      files={"file": ("x.gif", images.animated_gif(), "image/gif")}).json()
    whole = httpx.get(body["url"])
    head = httpx.head(body["url"])
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(whole.content) > 0
    assert "immutable" in head.headers["cache-control"] and head.headers["content-type"] == "image/gif"
    # A file that is gone (a replaced avatar, a swept upload) is a clean 404, not a broken answer.
    for stored in files_in(media_dir):
        stored.unlink()
    assert httpx.get(body["url"]).status_code == 404
