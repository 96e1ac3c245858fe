"""A small feed server on loopback (http.server in a thread): RSS, Atom and broken documents the
tests change between polls, with ETag support, and a log of the requests it got."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Doc:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    location: str | None = None  # a redirect's target


@dataclass
class FeedServer:
    base: str
    docs: dict[str, Doc] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            doc = state.docs.get(self.path)
            if doc is None:
                self.send_error(404)
                return
            if doc.etag and self.headers.get("If-None-Match") == doc.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(doc.status)
            self.send_header("Content-Type", doc.content_type)
            self.send_header("Content-Length", str(len(doc.body)))
            if doc.etag:
                self.send_header("ETag", doc.etag)
            if doc.location:
                self.send_header("Location", doc.location)
            self.end_headers()
            self.wfile.write(doc.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def rss(title: str, items: list[tuple[str, str, datetime]], *, base: str = "https://blog.anyang.kr") -> bytes:
    """An RSS 2.0 document; items are (guid, title, published), listed newest first as blogs do."""
    rows = "".join(
        f"<item><title>{escape(t)}</title><link>{base}/posts/{g}</link><guid isPermaLink=\"false\">{g}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for g, t, when in sorted(items, key=lambda i: i[2], reverse=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>{base}</link><description>안양시 블로그</description>{rows}</channel></rss>").encode()


def atom(title: str, items: list[tuple[str, str, datetime]]) -> bytes:
    rows = "".join(
        f"<entry><id>tag:anyang.kr,2026:{g}</id><title type=\"html\">{escape(t)}</title>"
        f"<link rel=\"alternate\" href=\"https://news.anyang.kr/{g}\"/><updated>{when.isoformat()}</updated></entry>"
        for g, t, when in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>tag:anyang.kr,2026:news</id>"
            f"<updated>2026-03-03T00:00:00Z</updated>{rows}</feed>").encode()
