"""Remote photos (MADANG_REMOTE_MEDIA=cache): a remote post's photo is fetched by a job through
the guarded client, re-encoded as uploads are and served from here; `madang media prune`
drops old copies (the row links to its server again). Both databases."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.core.settings import Settings
from madang.db import Database
from madang.federation import config as federation_config
from madang.federation.config import FederationConfig
from madang.federation.media_cache import prune_cached_media
from madang.federation.remote_posts import store_post
from madang.media.storage import LocalMediaStore
from madang.models import Account, Job, MediaAttachment
from madang.statuses.remote import RemoteMedia, RemotePost
from tests.factories import run_jobs


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def image_server() -> Iterator[str]:
    body = _jpeg()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/photo.jpg":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_a_remote_photo_is_cached_here_and_pruned_later(db: Database, image_server: str, tmp_path: Path) -> None:
    settings = Settings(database_url=db.url, media_path=tmp_path / "media", federation_allowed_hosts="127.0.0.1/32",
                        secret_key="x" * 40)
    federation_config.attach(db, settings)
    config = FederationConfig.from_settings(settings)
    async with db.write() as session:
        author = Account(id=new_id(), username="photographer", domain="far.example", acct_key="photographer@far.example",
                         uri="https://far.example/users/photographer", created_at=utcnow(), updated_at=utcnow())
        session.add(author)
        await session.flush()
        status = await store_post(session, config, author, RemotePost(
            uri="https://far.example/users/photographer/statuses/1", url=None, content="<p>사진</p>", text="사진",
            media=[RemoteMedia(url=f"{image_server}/photo.jpg", content_type="image/jpeg", description="빨간 사각형"),
                   RemoteMedia(url=f"{image_server}/missing.jpg", content_type="image/jpeg")]))
    await run_jobs(db)
    async with db.read() as session:
        media = list(await session.scalars(select(MediaAttachment).where(MediaAttachment.status_id == status.id)
                                           .order_by(MediaAttachment.position)))
    cached, missing = media
    assert cached.file_key and cached.small_key and cached.width == 80 and cached.description == "빨간 사각형"
    assert (tmp_path / "media" / cached.file_key).is_file()
    assert missing.file_key == "" and missing.remote_url.endswith("/missing.jpg")  # left linked, not retried forever

    async with db.write() as session:
        row = await session.get(MediaAttachment, cached.id)
        row.created_at = utcnow() - timedelta(days=10)
    async with db.write() as session:
        assert await prune_cached_media(session, store=LocalMediaStore(tmp_path / "media"), days=7) == 1
    async with db.read() as session:
        row = await session.get(MediaAttachment, cached.id)
        assert row.file_key == "" and row.remote_url.endswith("/photo.jpg")
        assert await session.scalar(select(Job.id).where(Job.name == "media.remove_files")) is not None
    await run_jobs(db)
    assert not (tmp_path / "media" / cached.file_key).exists()
