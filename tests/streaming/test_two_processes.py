"""Two real server processes sharing one database and one Redis: a post made through one
arrives live on streams opened on the other."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx

from tests.mastodon_api.clients import client, new_app, register
from tests.streaming.clients import Collector, SseReader, events_until, next_event
from tests.support.pgserver import free_port
from tests.support.redisserver import RedisServer


@contextmanager
def server_process(database_url: str, redis_url: str) -> Iterator[str]:
    port = free_port()
    env = dict(os.environ, MADANG_DATABASE_URL=database_url, MADANG_REDIS_URL=redis_url,
               MADANG_HOST="127.0.0.1", MADANG_PORT=str(port), MADANG_RATE_LIMIT_PER_5MIN="100000",
               MADANG_WORKER_POLL_SECONDS="0.2", MADANG_STREAMING_HEARTBEAT_SECONDS="0.3")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "madang.asgi:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--timeout-graceful-shutdown", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/streaming/health", timeout=1).text == "OK":
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.time() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"server process did not start:\n{output}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_post_on_one_process_streams_from_the_other(database_url: str, redis_server: RedisServer) -> None:
    with server_process(database_url, redis_server.url) as one, server_process(database_url, redis_server.url) as two:
        app = new_app(one)
        author, _, _ = register(one, app)
        reader_on_one, _, _ = register(one, app)
        reader = client(two, app, reader_on_one.access_token)  # the same person, on the other process
        reader.account_follow(author.me().id)
        collector = Collector()
        with ExitStack() as stack:
            handle = reader.stream_user(collector, run_async=True, timeout=30)
            stack.callback(handle.close)
            assert collector.greeted.wait(10)
            public = stack.enter_context(SseReader(f"{two}/api/v1/streaming/public/local"))
            assert public.status == 200

            started = time.time()
            post = author.status_post("1번 서버에서 쓴 글이 2번 서버로 갑니다")
            kind, status = next_event(collector.events)
            assert kind == "update" and status.id == post.id and "2번 서버" in status.content
            assert time.time() - started < 5
            event, data = public.next()
            assert event == "update" and str(post.id) in data

            author.status_post(f"@{reader.me().username} 다른 프로세스에서도 알림이 옵니다")
            note = events_until(collector.events, lambda e: e[0] == "notification")[-1][1]
            assert note.type == "mention" and note.account.id == author.me().id

            author.status_delete(post.id)
            assert events_until(collector.events, lambda e: e[0] == "delete")[-1] == ("delete", post.id)
