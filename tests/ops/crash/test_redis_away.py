"""Redis stopped under load: posting goes on, live streams (SSE /api/v1/streaming) fall back to
delivery inside the process while Redis is gone, and rejoin Redis when it is back (events cross
Redis again, each arriving once)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from madang.events.redis_bus import CHANNEL
from tests.ops.crash.serving import madang_serve, serve_env, wait_for
from tests.ops.crash.town import make_town
from tests.streaming.clients import SseReader
from tests.support import redisserver


class Redis:
    """A redis-server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        first = redisserver.start()
        self.port, self.folder, self.process = first.port, first.folder, first.process

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_for(lambda: _pings(client), 10, "redis-server to start again")
        client.close()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def own_redis() -> Iterator[Redis]:
    server = Redis()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


def _updates_until(reader: SseReader, text: str, timeout: float = 10) -> list[str]:
    """The contents of every `update` until the one containing ``text`` (streams keep order)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        # Comments included: heartbeats would otherwise restart the reader's wait without end.
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no update with {text!r} within {timeout}s (saw {seen})")
        event, data = reader.next(timeout=left, skip_comments=False)
        if event == "update":
            seen.append(json.loads(data)["content"])
            if text in seen[-1]:
                return seen


def _mine(updates: list[str]) -> list[str]:
    """Leaves out the background poster's."""
    return [text for text in updates if "배경" not in text]


async def test_streams_fall_back_in_process_while_redis_is_gone_and_rejoin(sqlite_url: str, tmp_path: Path,
                                                                           own_redis: Redis) -> None:
    town = await make_town(sqlite_url, citizens=2)
    env = serve_env(sqlite_url, tmp_path / "media", MADANG_REDIS_URL=own_redis.url,
                    MADANG_STREAMING_HEARTBEAT_SECONDS="0.5")
    watcher = redis.Redis.from_url(own_redis.url).pubsub()
    watcher.subscribe(CHANNEL)
    with madang_serve(env, tmp_path / "serve.log") as server, \
            httpx.Client(base_url=server.base, timeout=10,
                         headers={"Authorization": f"Bearer {town.tokens[0]}"}) as http, \
            SseReader(f"{server.base}/api/v1/streaming/public/local") as stream:
        assert stream.status == 200
        codes: list[int] = []
        stop = threading.Event()

        def load() -> None:  # another citizen posting all along
            with httpx.Client(base_url=server.base, timeout=10,
                              headers={"Authorization": f"Bearer {town.tokens[1]}"}) as other:
                n = 0
                while not stop.is_set():
                    n += 1
                    try:
                        codes.append(other.post("/api/v1/statuses", data={"status": f"배경 {n}"}).status_code)
                    except httpx.HTTPError:
                        codes.append(0)
                    time.sleep(0.05)

        loader = threading.Thread(target=load, daemon=True)
        loader.start()

        def post(text: str) -> None:
            r = http.post("/api/v1/statuses", data={"status": text})
            assert r.status_code == 200, r.text

        post("레디스와 함께 1")
        assert _mine(_updates_until(stream, "레디스와 함께 1")) == ["<p>레디스와 함께 1</p>"]
        assert wait_for(lambda: watcher.get_message(timeout=0.2, ignore_subscribe_messages=True), 5,
                        "the event to cross Redis")

        own_redis.stop()
        watcher.close()
        for n in range(1, 4):  # posting goes on; the streams of this process still hear of each post
            post(f"레디스 없이 {n}")
            assert _mine(_updates_until(stream, f"레디스 없이 {n}", timeout=5)) == [f"<p>레디스 없이 {n}</p>"]

        own_redis.start()
        watcher = redis.Redis.from_url(own_redis.url).pubsub()
        watcher.subscribe(CHANNEL)

        # Back through Redis: the event crosses it (other processes hear it), and arrives once here.
        def crossed() -> bool:
            post("레디스가 돌아왔다")
            return bool(watcher.get_message(timeout=0.5, ignore_subscribe_messages=True))

        wait_for(crossed, 15, "events to cross Redis again", interval=0.5)
        post("끝")
        later = _mine(_updates_until(stream, "끝"))
        assert later[-1] == "<p>끝</p>" and later.count("<p>끝</p>") == 1
        assert all(text == "<p>레디스가 돌아왔다</p>" for text in later[:-1])
        watcher.close()
        stop.set()
        loader.join(timeout=15)
        assert len(codes) >= 5 and set(codes) == {200}, f"the other citizen's posts: {sorted(set(codes))}"
        assert "Traceback" not in server.output()
