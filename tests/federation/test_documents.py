"""What other servers read of madang, against a real server: WebFinger, NodeInfo, the instance
actor, actors and Notes by content negotiation on the web URLs, collections, 404/410."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from madang.federation.parse import parse_actor, parse_note
from tests.mastodon_api.clients import new_app, register
from tests.support.server import running_server

AS2 = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


@pytest.fixture(scope="module")
def server(sqlite_template: Path) -> Iterator[str]:
    path = sqlite_template.parent / "federation-documents.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    with running_server(f"sqlite+aiosqlite:///{path}") as url:
        yield url


def test_discovery_names_the_actor_and_the_instance_actor(server: str) -> None:
    app = new_app(server)
    citizen, _, _ = register(server, app)
    name = citizen.me().username
    host = server.removeprefix("http://")
    wf = httpx.get(f"{server}/.well-known/webfinger", params={"resource": f"acct:{name.upper()}@{host}"})
    assert wf.status_code == 200 and wf.headers["content-type"].startswith("application/jrd+json")
    assert wf.json()["subject"] == f"acct:{name}@{host}"
    assert {"rel": "self", "type": "application/activity+json", "href": f"{server}/users/{name}"} in wf.json()["links"]
    assert httpx.get(f"{server}/.well-known/webfinger", params={"resource": f"acct:nobody@{host}"}).status_code == 404
    instance = httpx.get(f"{server}/.well-known/webfinger", params={"resource": f"{server}/"}).json()
    assert any(link["href"] == f"{server}/actor" for link in instance["links"])
    links = httpx.get(f"{server}/.well-known/nodeinfo").json()["links"]
    assert {link["rel"] for link in links} >= {"http://nodeinfo.diaspora.software/ns/schema/2.0",
                                              "http://nodeinfo.diaspora.software/ns/schema/2.1",
                                              "https://www.w3.org/ns/activitystreams#Application"}
    info = httpx.get(f"{server}/nodeinfo/2.1").json()
    assert info["protocols"] == ["activitypub"] and info["software"]["name"] == "madang"
    assert info["usage"]["users"]["total"] >= 1 and isinstance(info["metadata"], dict)
    actor = httpx.get(f"{server}/actor", headers=AS2)
    assert actor.status_code == 200 and actor.headers["content-type"].startswith("application/activity+json")
    assert actor.json()["type"] == "Application" and "BEGIN PUBLIC KEY" in actor.json()["publicKey"]["publicKeyPem"]


def test_a_profile_url_serves_the_actor_to_servers_and_html_to_browsers(server: str) -> None:
    app = new_app(server)
    citizen, _, _ = register(server, app)
    citizen.account_update_credentials(display_name="평촌 주민", note="안양에 삽니다",
                                       fields=[("홈페이지", "https://www.anyang.go.kr")])
    name = citizen.me().username
    for url, headers in ((f"{server}/users/{name}", AS2), (f"{server}/@{name}", LD)):
        answer = httpx.get(url, headers=headers)
        assert answer.status_code == 200, (url, answer.text[:200])
        assert answer.headers["content-type"].startswith("application/activity+json")
        assert "Accept" in answer.headers.get("vary", "")
        actor = parse_actor(answer.json())
        assert actor.uri == f"{server}/users/{name}" and actor.display_name == "평촌 주민"
        assert actor.inbox == f"{server}/users/{name}/inbox" and actor.shared_inbox == f"{server}/inbox"
        assert actor.public_key_id == f"{server}/users/{name}#main-key" and actor.public_key_pem
        assert actor.fields and actor.fields[0][0] == "홈페이지"
    page = httpx.get(f"{server}/@{name}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'type="application/activity+json" href="{server}/users/{name}"' in page.text
    browser = httpx.get(f"{server}/users/{name}", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 302 and browser.headers["location"] == f"/@{name}"
    assert httpx.get(f"{server}/users/nobody_here", headers=AS2).status_code == 404


def test_public_posts_are_notes_and_others_are_not_served(server: str) -> None:
    app = new_app(server)
    citizen, _, _ = register(server, app)
    name = citizen.me().username
    public = citizen.status_post("안양천 벚꽃 #안양 #벚꽃", spoiler_text="꽃 사진", language="ko")
    private = citizen.status_post("팔로워에게만", visibility="private")
    gone = citizen.status_post("지울 글")
    citizen.status_delete(gone.id)
    answer = httpx.get(f"{server}/@{name}/{public.id}", headers=AS2)
    assert answer.status_code == 200
    document = answer.json()
    assert document["id"] == public.uri and document["type"] == "Note"
    note = parse_note(document, author_followers_uri=f"{server}/users/{name}/followers")
    assert note.visibility == "public" and note.summary == "꽃 사진" and note.language == "ko"
    assert set(note.hashtags) == {"안양", "벚꽃"} and "안양천 벚꽃" in note.text
    assert httpx.get(public.uri, headers=AS2).json()["id"] == public.uri
    assert httpx.get(f"{server}/users/{name}/statuses/{private.id}", headers=AS2).status_code == 404
    assert httpx.get(f"{server}/users/{name}/statuses/{gone.id}", headers=AS2).status_code == 410
    outbox = httpx.get(f"{server}/users/{name}/outbox", headers=AS2).json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    page = httpx.get(outbox["first"], headers=AS2).json()
    assert [item["object"]["id"] for item in page["orderedItems"]] == [public.uri]
    followers = httpx.get(f"{server}/users/{name}/followers", headers=AS2).json()
    assert followers["totalItems"] == 0 and followers["type"] == "OrderedCollection"


def test_a_posts_replies_collection_lists_the_thread_then_everyone_elses_public_replies(server: str) -> None:
    """The ``replies`` collection a Note names (as Mastodon's): the author's own replies on the
    first page, then others' public and unlisted ones; followers-only, deleted and replies to
    other posts are not listed; a private post's collection is not served."""
    app = new_app(server)
    author, _, _ = register(server, app)
    other, _, _ = register(server, app)
    name = author.me().username
    post = author.status_post("안양천 벚꽃 축제 안내")
    thread = author.status_post("둘째 날 일정입니다", in_reply_to_id=post.id)
    answer = other.status_post("좋아요!", in_reply_to_id=post.id)
    quiet = other.status_post("조용히 답글", in_reply_to_id=post.id, visibility="unlisted")
    other.status_post("팔로워에게만 답글", in_reply_to_id=post.id, visibility="private")
    deleted = other.status_post("지운 답글", in_reply_to_id=post.id)
    other.status_delete(deleted.id)
    other.status_post("다른 글에 답글", in_reply_to_id=thread.id)

    note = httpx.get(post.uri, headers=AS2).json()
    collection = httpx.get(note["replies"]["id"], headers=AS2)
    assert collection.status_code == 200
    first = collection.json()["first"]
    assert collection.json()["type"] == "Collection" and first["items"] == [thread.uri]
    rest = httpx.get(first["next"], headers=AS2).json()
    assert rest["type"] == "CollectionPage" and rest["items"] == [answer.uri, quiet.uri] and "next" not in rest
    assert rest["partOf"] == note["replies"]["id"]
    private = author.status_post("팔로워에게만", visibility="private")
    assert httpx.get(f"{server}/users/{name}/statuses/{private.id}/replies", headers=AS2).status_code == 404
