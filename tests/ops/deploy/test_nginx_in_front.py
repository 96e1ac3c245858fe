"""The example nginx site (deploy/nginx/madang.conf, TLS on a loopback port) in front of a real
`madang serve`: Server-Sent Events and WebSocket streams come through at once, the client's
address reaches madang's access log (and a client's own X-Forwarded-For does not), and media are
cached by nginx."""

from __future__ import annotations

import io
import json
import queue
import ssl
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.mastodon_api.clients import new_app, register
from tests.ops.deploy.proxy import Nginx, have_nginx, nginx_in_front
from tests.support.serve_process import Served, madang_serve

pytestmark = pytest.mark.skipif(not have_nginx(), reason="nginx is not installed (make system-deps)")
CLIENT_ADDRESS = "127.0.0.2"  # another loopback address: what nginx forwards is not its own 127.0.0.1


@pytest.fixture(scope="module")
def stack(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Nginx]]:
    folder = tmp_path_factory.mktemp("nginx-front")
    with madang_serve(sqlite_template, folder / "madang", MADANG_EMBEDDED_WORKER="true",
                      MADANG_WORKER_POLL_SECONDS="0.2", MADANG_STREAMING_HEARTBEAT_SECONDS="1") as served:
        with nginx_in_front(folder / "nginx", served.base.removeprefix("http://")) as nginx:
            yield served, nginx


def client() -> httpx.Client:
    """A browser on another machine: TLS to nginx (a made-up certificate), from CLIENT_ADDRESS."""
    transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS, verify=False)
    return httpx.Client(transport=transport, verify=False, timeout=httpx.Timeout(10.0, read=None))


def test_sse_events_and_heartbeats_come_through_at_once(stack: tuple[Served, Nginx]) -> None:
    served, nginx = stack
    author, _, _ = register(served.base, new_app(served.base))
    lines: queue.Queue[str] = queue.Queue()
    opened: dict[str, str] = {}

    done = threading.Event()

    def read() -> None:
        try:
            with client() as c, c.stream("GET", nginx.https + "/api/v1/streaming/public") as answer:
                opened["type"] = answer.headers.get("content-type", "")
                for line in answer.iter_lines():
                    lines.put(line)
                    if done.is_set():
                        return
        except httpx.HTTPError as exc:
            lines.put(f"failed: {exc!r}")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first = lines.get(timeout=10)  # a heartbeat comment within a few seconds: nothing held back
    assert first.startswith(":"), first
    assert opened["type"].startswith("text/event-stream")
    marker = f"nginx 너머로 {uuid.uuid4().hex[:8]}"
    with client() as c:
        posted = c.post(nginx.https + "/api/v1/statuses", data={"status": marker},
                        headers={"Authorization": f"Bearer {author.access_token}"})
    assert posted.status_code == 200, posted.text
    while True:
        line = lines.get(timeout=10)
        if line.startswith("data: ") and marker in line:
            break
    assert json.loads(line.removeprefix("data: "))["id"] == posted.json()["id"]
    done.set()
    reader.join(timeout=5)  # the next heartbeat (1 s) ends it


def test_websocket_streams_through_nginx(stack: tuple[Served, Nginx]) -> None:
    from websockets.sync.client import connect

    served, nginx = stack
    author, _, _ = register(served.base, new_app(served.base))
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    url = nginx.https.replace("https://", "wss://") + "/api/v1/streaming?stream=public"
    with connect(url, ssl=context, open_timeout=10) as ws:
        marker = f"웹소켓 {uuid.uuid4().hex[:8]}"
        ws.send(json.dumps({"type": "subscribe", "stream": "no-such-stream"}))
        assert json.loads(ws.recv(timeout=10))["status"] == 400  # subscribed and answering
        author.status_post(marker)
        while True:
            message = json.loads(ws.recv(timeout=10))
            if message.get("event") == "update" and marker in message["payload"]:
                break


def test_the_client_address_is_forwarded_and_a_forged_one_is_not(stack: tuple[Served, Nginx]) -> None:
    served, nginx = stack
    probe = uuid.uuid4().hex
    with client() as c:
        answer = c.get(f"{nginx.https}/api/v1/instance?probe={probe}", headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status_code == 200
    logged = [line for line in _access_lines(served) if probe in line]
    assert len(logged) == 1
    assert logged[0].startswith(CLIENT_ADDRESS + " "), logged[0]  # nginx's $remote_addr, not its own 127.0.0.1
    assert "203.0.113.9" not in logged[0]


def test_media_are_cached_by_nginx(stack: tuple[Served, Nginx]) -> None:
    from PIL import Image

    served, nginx = stack
    author, _, _ = register(served.base, new_app(served.base))
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 200, 0)).save(image, "PNG")
    media = author.media_post(image.getvalue(), mime_type="image/png", file_name="노랑.png")
    path = "/media/" + media.url.split("/media/", 1)[1]
    with client() as c:
        first, second = c.get(nginx.https + path), c.get(nginx.https + path)
    assert first.status_code == second.status_code == 200
    assert first.headers["x-cache-status"] == "MISS" and second.headers["x-cache-status"] == "HIT"
    assert first.content == second.content == httpx.get(served.base + path).content
    assert "immutable" in second.headers["cache-control"]


def _access_lines(served: Served) -> list[str]:
    import time

    time.sleep(0.3)  # the access log line is written as the answer completes
    return served.stdout.read_text(errors="replace").splitlines()
