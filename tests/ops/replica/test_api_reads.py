"""The API on a primary with a hot standby: what another citizen reads comes from the standby (stale
while its replay is paused), what the writer reads is fresh (read-your-writes), and reads keep
answering from the primary when the standby is stopped. A real server, real clients."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.mastodon_api.clients import auth, eventually, new_app, register
from tests.support import pgreplica
from tests.support.server import running_server
from tests.web.client import WebClient

DB = "madang_replicated"


@pytest.fixture(scope="module")
def served(replica_pair: pgreplica.ReplicaPair) -> Iterator[str]:
    standby = replica_pair.standby
    # A generous lag bound: a paused replay shows stale rows instead of sending all to the primary.
    with running_server(replica_pair.primary.url(DB), database_replica_url=standby.url(DB),
                        database_replica_max_lag_seconds=120, embedded_worker=True) as base:
        yield base


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text[:300]
    return [s["id"] for s in response.json()]


def test_others_read_the_standby_and_the_writer_reads_what_it_wrote(served: str,
                                                                    standby: pgreplica.Standby) -> None:
    app = new_app(served)
    writer, _, _ = register(served, app)
    reader, _, _ = register(served, app)
    w, r = auth(writer.access_token), auth(reader.access_token)
    writer_id = httpx.get(f"{served}/api/v1/accounts/verify_credentials", headers=w).json()["id"]
    tag = "복제" + secrets.token_hex(3)
    first = httpx.post(f"{served}/api/v1/statuses", headers=w, json={"status": f"처음 #{tag}"}).json()["id"]
    # The reader sees it once the standby has it (and the server knows the standby is caught up).
    eventually(lambda: first in ids(httpx.get(f"{served}/api/v1/timelines/public", headers=r)))
    # Whatever the requests so far wrote (the reader's first use of its token too) is on the standby,
    # and the server's poller (every 0.2 s, a writer's own reads 1 s more) has seen it there: only
    # then is replay paused.
    standby.caught_up()
    time.sleep(2.0)
    standby.pause_replay()
    word = "마당복제" + secrets.token_hex(3)
    fresh = httpx.post(f"{served}/api/v1/statuses", headers=w,
                       json={"status": f"{word} 새 글 #{tag}"}).json()["id"]

    # The writer: fresh everywhere.
    assert fresh in ids(httpx.get(f"{served}/api/v1/timelines/home", headers=w))
    assert fresh in ids(httpx.get(f"{served}/api/v1/timelines/public", headers=w))
    assert fresh in ids(httpx.get(f"{served}/api/v1/timelines/tag/{tag}", headers=w))
    assert fresh in ids(httpx.get(f"{served}/api/v1/accounts/{writer_id}/statuses", headers=w))
    assert httpx.get(f"{served}/api/v1/accounts/{writer_id}", headers=w).json()["statuses_count"] == 2
    found = httpx.get(f"{served}/api/v2/search", headers=w, params={"q": word, "type": "statuses"}).json()
    assert [s["id"] for s in found["statuses"]] == [fresh]

    # Another citizen, and a visitor: what the paused standby holds.
    for headers in (r, {}):
        public = ids(httpx.get(f"{served}/api/v1/timelines/public", headers=headers))
        assert first in public and fresh not in public
        assert ids(httpx.get(f"{served}/api/v1/timelines/tag/{tag}", headers=headers)) == [first]
        assert ids(httpx.get(f"{served}/api/v1/accounts/{writer_id}/statuses", headers=headers)) == [first]
        assert httpx.get(f"{served}/api/v1/accounts/{writer_id}", headers=headers).json()["statuses_count"] == 1
    found = httpx.get(f"{served}/api/v2/search", headers=r, params={"q": word, "type": "statuses"}).json()
    assert found["statuses"] == []

    standby.resume_replay()
    eventually(lambda: fresh in ids(httpx.get(f"{served}/api/v1/timelines/public", headers=r)))
    assert ids(httpx.get(f"{served}/api/v1/accounts/{writer_id}/statuses", headers=r)) == [fresh, first]


def test_reads_answer_from_the_primary_while_the_standby_is_stopped(served: str,
                                                                    standby: pgreplica.Standby) -> None:
    app = new_app(served)
    writer, _, _ = register(served, app)
    reader, _, _ = register(served, app)
    standby.stop_now()
    posted = httpx.post(f"{served}/api/v1/statuses", headers=auth(writer.access_token),
                        json={"status": "대기 서버가 멈춘 동안"}).json()["id"]
    for headers in (auth(reader.access_token), {}):
        answer = httpx.get(f"{served}/api/v1/timelines/public", headers=headers, timeout=5)
        assert posted in ids(answer)
        assert answer.elapsed.total_seconds() < 3


def test_web_pages_honour_read_your_writes(served: str, standby: pgreplica.Standby) -> None:
    writer, reader = WebClient(served), WebClient(served)
    name = "webw" + secrets.token_hex(3)
    try:
        assert writer.sign_up(name).status_code == 303
        assert reader.sign_up("webr" + secrets.token_hex(3)).status_code == 303
        eventually(lambda: f"@{name}" in reader.get(f"/@{name}").text)  # the standby has the account
        standby.pause_replay()
        text = "웹에서 쓴 글 " + secrets.token_hex(4)
        assert writer.post("/statuses", {"status": text, "visibility": "public"}).status_code == 303
        assert text in writer.get("/home").text  # right after the redirect
        assert text in writer.get(f"/@{name}").text
        assert text not in reader.get(f"/@{name}").text  # another citizen: the paused standby
        assert text not in reader.get("/public/local").text
        standby.resume_replay()
        eventually(lambda: text in reader.get(f"/@{name}").text)
    finally:
        writer.close()
        reader.close()
