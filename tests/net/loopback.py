"""A loopback HTTP server for the guarded client's tests: fixed answers, redirects, big bodies."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], bytes]


@contextmanager
def loopback_server(routes: dict[str, Callable[[], Answer]], host: str = "127.0.0.1",
                    seen: list[str] | None = None) -> Iterator[str]:
    """``seen`` collects "METHOD path host=Host-header" for each request."""
    seen = [] if seen is None else seen

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            seen.append(f"{self.command} {self.path} host={self.headers.get('Host')}")
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            route = routes.get(self.path)
            status, headers, body = route() if route else (404, {}, b"not here")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chunked(size: int) -> Answer:
    """A body of ``size`` bytes with no declared length (chunked), so only reading can stop it."""
    chunk = b"x" * 65536
    parts, left = [], size
    while left > 0:
        piece = chunk[:min(left, len(chunk))]
        parts.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        left -= len(piece)
    return 200, {"Transfer-Encoding": "chunked"}, b"".join(parts) + b"0\r\n\r\n"
