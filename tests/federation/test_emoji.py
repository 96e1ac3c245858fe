"""Remote custom emoji (decision 0043): Emoji tags of posts and actors (Mastodon, GoToSocial,
Pleroma and Misskey payloads) become (shortcode, domain) rows; the image is cached by a job
through the guarded client and served from here, or only linked in link mode, or left out for
a domain whose media is rejected; the API lists the emoji a status or account uses, and a
status without any costs no query more. Both databases."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.core.settings import Settings
from madang.db import Database
from madang.federation import config as federation_config
from madang.federation.config import FederationConfig
from madang.federation.keys import generate_key_pair
from madang.federation.parse import parse_actor, parse_note
from madang.federation.remote_posts import post_of, store_post
from madang.federation.resolve import store_actor
from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.statuses import status_json, statuses_json_bytes
from madang.models import Account, CustomEmoji, DomainBlock, Job, Status
from madang.statuses.remote import RemotePoll, RemotePost
from madang.statuses.views import load_status_views
from tests.factories import make_account, make_status, run_jobs
from tests.federation.test_inbox import Remote, eventually
from tests.support.server import running_server

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://madang.test"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (250, 200, 0, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def image_server() -> Iterator[str]:
    """A remote server's emoji files on loopback (allowed through MADANG_FEDERATION_ALLOWED_HOSTS)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body, big = _png(), b"\x89PNG" + b"\0" * (300 * 1024)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            data = {"/blobcat.png": body, "/huge.png": big}.get(self.path)
            if data is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _config(db: Database, tmp_path: Path, **overrides: Any) -> FederationConfig:
    settings = Settings(database_url=db.url, media_path=tmp_path / "media", federation_allowed_hosts="127.0.0.1/32",
                        secret_key="x" * 40, domain="madang.test", **overrides)
    federation_config.attach(db, settings)
    return FederationConfig.from_settings(settings)


async def _remote_author(db: Database, domain: str, name: str = "alice") -> Account:
    async with db.write() as session:
        author = Account(id=new_id(), username=name, domain=domain, acct_key=f"{name}@{domain}",
                         uri=f"https://{domain}/users/{name}", created_at=utcnow(), updated_at=utcnow())
        session.add(author)
    return author


async def _rows(db: Database) -> dict[tuple[str | None, str], CustomEmoji]:
    async with db.read() as session:
        return {(r.domain, r.shortcode): r for r in await session.scalars(select(CustomEmoji))}


async def _api_json(db: Database, status_id: int) -> dict[str, Any]:
    async with db.read() as session:
        status = await session.get(Status, status_id)
        view = (await load_status_views(session, [status], None))[0]
    data = status_json(view, BASE)
    # The encoded fast path gives the same JSON (decision 0010).
    assert json.loads(statuses_json_bytes([view], BASE)) == [json.loads(json.dumps(data))]
    return data


# --- Parsing payloads into rows ------------------------------------------------------------------


async def test_a_mastodon_note_with_emoji_makes_rows_and_cache_jobs(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path)
    note = parse_note(load("mastodon_create_hashtags_emoji.json")["object"], author_followers_uri=None)
    author = await _remote_author(db, "fossbros-anonymous.io", "foss_satan")
    post = await post_of(db, config, note)
    async with db.write() as session:
        status = await store_post(session, config, author, post)
    assert status.emoji_shortcodes == "party_parrot amaze blobsunglasses"
    rows = await _rows(db)
    assert set(rows) == {("fossbros-anonymous.io", c) for c in ("party_parrot", "amaze", "blobsunglasses")}
    parrot = rows[("fossbros-anonymous.io", "party_parrot")]
    assert parrot.image_remote_url.endswith("/ef133aac7ab23341.gif") and not parrot.file_key and not parrot.link_only
    async with db.read() as session:
        jobs = list(await session.scalars(select(Job.payload).where(Job.name == "federation.cache_emoji")))
    assert len(jobs) == 3
    # Not cached yet: not listed (never the remote URL in cache mode).
    assert (await _api_json(db, status.id))["emojis"] == []


async def test_gotosocial_note_and_actor_emoji(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path)
    note = parse_note(load("gotosocial_note_image_hashtag.json"), author_followers_uri=None)
    author = await _remote_author(db, "localhost:8080", "the_mighty_zork")
    async with db.write() as session:
        status = await store_post(session, config, author, await post_of(db, config, note))
    assert status.emoji_shortcodes == "rainbow"
    actor = parse_actor(load("gotosocial_actor.json"))
    account = await store_actor(db, actor)
    # The actor carries the tag but neither its name nor its bio uses it: nothing is kept.
    assert (account.domain, account.emoji_shortcodes) == ("localhost:8080", None)
    assert set(await _rows(db)) == {("localhost:8080", "rainbow")}


async def test_misskey_and_pleroma_actors_keep_the_emoji_their_profile_uses(db: Database, tmp_path: Path) -> None:
    _config(db, tmp_path)
    misskey = await store_actor(db, parse_actor(load("misskey_actor_emoji.json")))
    assert misskey.emoji_shortcodes == "peroro_sama"
    pleroma_doc = load("pleroma_actor.json")
    pleroma = await store_actor(db, parse_actor(pleroma_doc))
    tagged = {t["name"].strip(":") for t in pleroma_doc["tag"] if t.get("type") == "Emoji"}
    used = set(pleroma.emoji_shortcodes.split())
    assert "bzh" in used and used <= tagged  # only those the name, bio and fields use
    rows = await _rows(db)
    assert ("misskey.io", "peroro_sama") in rows and all(d == "queer.hacktivis.me" for d, _ in rows if d != "misskey.io")


async def test_only_mastodon_shortcodes_are_taken_and_html_never_gets_in(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path)
    author = await _remote_author(db, "evil.example", "mallory")
    doc = {"id": "https://evil.example/notes/1", "type": "Note", "attributedTo": author.uri,
           "to": ["https://www.w3.org/ns/activitystreams#Public"],
           "content": '<p>:ok_code: :"><img src=x onerror=alert(1)>: :a: :bad-code:</p>',
           "tag": [{"type": "Emoji", "name": ':"><img src=x onerror=alert(1)>:', "icon": {"url": "https://evil.example/x.png"}},
                   {"type": "Emoji", "name": ":a:", "icon": {"url": "https://evil.example/a.png"}},
                   {"type": "Emoji", "name": ":bad-code:", "icon": {"url": "https://evil.example/b.png"}},
                   {"type": "Emoji", "name": ":ok_code:", "icon": {"url": "javascript:alert(1)"}},
                   {"type": "Emoji", "name": ":ok_code:", "icon": {"url": "https://evil.example/ok.png"}}]}
    note = parse_note(doc, author_followers_uri=None)
    async with db.write() as session:
        status = await store_post(session, config, author, await post_of(db, config, note))
    assert status.emoji_shortcodes == "ok_code"
    rows = await _rows(db)
    assert list(rows) == [("evil.example", "ok_code")] and rows[("evil.example", "ok_code")].image_remote_url.endswith("/ok.png")


# --- Showing them ----------------------------------------------------------------------------------


async def test_cached_emoji_are_served_from_here_in_status_poll_and_account(db: Database, tmp_path: Path,
                                                                           image_server: str) -> None:
    config = _config(db, tmp_path)
    author = await _remote_author(db, "far.example")
    async with db.write() as session:
        row = await session.get(Account, author.id)
        row.display_name, row.emoji_shortcodes = ":blobcat: 앨리스", None
    tags = [("blobcat", f"{image_server}/blobcat.png"), ("huge", f"{image_server}/huge.png")]
    async with db.write() as session:
        status = await store_post(session, config, author, RemotePost(
            uri="https://far.example/notes/1", url=None, content="<p>고양이 :blobcat: :huge:</p>", text="고양이",
            spoiler_text=":blobcat: 주의", poll=RemotePoll(options=[(":blobcat: 예", 1), ("아니오", 0)]), emojis=tags))
        from madang.federation.emoji import store_account_emojis

        await store_account_emojis(session, config, await session.get(Account, author.id), tags)
    before = await _api_json(db, status.id)
    assert before["emojis"] == [] and before["account"]["emojis"] == []
    await run_jobs(db)
    rows = await _rows(db)
    cat, huge = rows[("far.example", "blobcat")], rows[("far.example", "huge")]
    assert cat.file_key and (tmp_path / "media" / cat.file_key).is_file()
    assert not huge.file_key  # over 256 KB: refused, not shown
    data = await _api_json(db, status.id)
    expected = [{"shortcode": "blobcat", "url": f"{BASE}/media/{cat.file_key}",
                 "static_url": f"{BASE}/media/{cat.static_key}", "visible_in_picker": True}]
    assert data["emojis"] == expected  # the cached JSON of the status was renewed
    assert data["poll"]["emojis"] == expected
    assert data["account"]["emojis"] == expected
    assert image_server not in json.dumps(data)  # readers' addresses never reach the remote server


async def test_link_mode_lists_the_remote_url(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path, remote_media="link")
    author = await _remote_author(db, "far.example")
    async with db.write() as session:
        status = await store_post(session, config, author, RemotePost(
            uri="https://far.example/notes/2", url=None, content="<p>:blobcat:</p>", text="",
            emojis=[("blobcat", "https://far.example/emoji/blobcat.png")]))
    async with db.read() as session:
        assert await session.scalar(select(Job.id).where(Job.name == "federation.cache_emoji")) is None
    assert (await _api_json(db, status.id))["emojis"] == [
        {"shortcode": "blobcat", "url": "https://far.example/emoji/blobcat.png",
         "static_url": "https://far.example/emoji/blobcat.png", "visible_in_picker": True}]


async def test_a_domain_whose_media_is_rejected_brings_no_emoji(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path)
    author = await _remote_author(db, "noisy.example")
    async with db.write() as session:
        session.add(DomainBlock(id=new_id(), domain="noisy.example", severity="noop", reject_media=True,
                                created_at=utcnow()))
    async with db.write() as session:
        status = await store_post(session, config, author, RemotePost(
            uri="https://noisy.example/notes/1", url=None, content="<p>:blobcat:</p>", text="",
            emojis=[("blobcat", "https://noisy.example/emoji/blobcat.png")]))
    assert status.emoji_shortcodes is None and await _rows(db) == {}
    async with db.read() as session:
        assert await session.scalar(select(Job.id).where(Job.name == "federation.cache_emoji")) is None
    assert (await _api_json(db, status.id))["emojis"] == []


async def _statements_of_views(db: Database, statuses: list[Any]) -> tuple[list[str], list[Any]]:
    """Every statement loading the views runs: SQLAlchemy's (PostgreSQL, ORM) and those run on
    SQLite's driver connection directly (db.fast_select)."""
    from madang.db.inline import InlineSession

    through_sqlalchemy: list[str] = []
    on_driver: list[str] = []

    def record(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        through_sqlalchemy.append(sql)

    event.listen(db.read_sync_engine, "before_cursor_execute", record)
    try:
        async with db.read() as session:
            inline = isinstance(session, InlineSession)
            if inline:
                session.driver_connection().set_trace_callback(on_driver.append)
            try:
                views = await load_status_views(session, statuses, None)
            finally:
                if inline:
                    session.driver_connection().set_trace_callback(None)
    finally:
        event.remove(db.read_sync_engine, "before_cursor_execute", record)
    # On SQLite the driver sees every statement, ORM ones included.
    return (on_driver if inline else through_sqlalchemy), views


async def test_statuses_without_emoji_ask_nothing_more(db: Database, tmp_path: Path) -> None:
    config = _config(db, tmp_path, remote_media="link")
    async with db.write() as session:
        author = await make_account(session, username="plainposter")
        plain = [await make_status(session, author, f"그냥 글 {i} :not_an_emoji:") for i in range(3)]
    statements, views = await _statements_of_views(db, plain)
    assert statements and not any("custom_emojis" in sql for sql in statements)
    assert all(status_json(v, BASE)["emojis"] == [] for v in views)
    assert all(v["emojis"] == [] and v["account"]["emojis"] == [] for v in json.loads(statuses_json_bytes(views, BASE)))
    assert account_json(author, BASE)["emojis"] == []

    # The same page with one post that has some: one query more, for all of them.
    remote = await _remote_author(db, "far.example")
    async with db.write() as session:
        tagged = await store_post(session, config, remote, RemotePost(
            uri="https://far.example/notes/3", url=None, content="<p>:blobcat:</p>", text="",
            emojis=[("blobcat", "https://far.example/emoji/blobcat.png")]))
    statements, views = await _statements_of_views(db, [*plain, tagged])
    assert sum("custom_emojis" in sql for sql in statements) == 1
    assert [len(v.emojis) for v in views] == [0, 0, 0, 1]


# --- Over the inbox, served ------------------------------------------------------------------------


def _first(client: httpx.Client, path: str) -> Any:
    answer = client.get(path)
    return answer.json() if answer.status_code == 200 else None


async def test_an_inbox_create_with_emoji_shows_it_served_from_here(database_url: str, image_server: str,
                                                                   tmp_path: Path) -> None:
    from tests.mastodon_api.clients import new_app, register

    with running_server(database_url, federation_allowed_hosts="127.0.0.1/32", media_path=tmp_path / "media") as base:
        local, _, _ = register(base, new_app(base))
        me = local.me()
        local_uri = f"{base}/users/{me.username}"
        private_pem, public_pem = generate_key_pair()
        alice = Remote("emojicat", private_pem, public_pem)
        await alice.store(database_url)
        note_id = f"{alice.uri}/statuses/77"
        public = "https://www.w3.org/ns/activitystreams#Public"
        create = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{note_id}/activity", "type": "Create",
                  "actor": alice.uri, "to": [public, local_uri],
                  "object": {"id": note_id, "type": "Note", "attributedTo": alice.uri, "to": [public, local_uri],
                             "content": f'<p><a href="{local_uri}" class="u-url mention">@{me.username}</a> 냥 :blobcat:</p>',
                             "tag": [{"type": "Mention", "href": local_uri, "name": f"@{me.username}"},
                                     {"id": "https://remote.example/emojis/1", "type": "Emoji", "name": ":blobcat:",
                                      "updated": "2026-12-01T00:00:00Z",
                                      "icon": {"type": "Image", "mediaType": "image/png",
                                               "url": f"{image_server}/blobcat.png"}}]}}
        assert alice.post(base, create).status_code == 202
        db = Database(database_url)
        try:
            async def find() -> int | None:
                async with db.read() as session:
                    return await session.scalar(select(Status.id).where(Status.uri == note_id))

            status_id = None
            for _ in range(150):
                if (status_id := await find()) is not None:
                    break
                import asyncio

                await asyncio.sleep(0.1)
            assert status_id is not None
        finally:
            await db.dispose()
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {local.access_token}"}) as client:
            data = eventually(lambda: (d := _first(client, f"/api/v1/statuses/{status_id}")) and d["emojis"] and d)
            emoji = data["emojis"][0]
            assert emoji["shortcode"] == "blobcat" and emoji["url"].startswith(f"{base}/media/")
            assert image_server not in json.dumps(data)
            image = client.get(emoji["url"])
            assert image.status_code == 200 and image.headers["content-type"].startswith("image/")


# --- Web pages ---------------------------------------------------------------------------------------


async def test_web_cards_show_emoji_as_images_and_open_no_html(db: Database, tmp_path: Path) -> None:
    from markupsafe import Markup

    from madang.media.custom_emojis import EmojiRef
    from madang.web.views.emoji import emojify_html, emojify_text
    from madang.web.views.statuses import status_card

    config = _config(db, tmp_path, remote_media="link")
    author = await _remote_author(db, "far.example")
    tags = [("blobcat", "https://far.example/emoji/blob\"cat.png")]
    async with db.write() as session:
        status = await store_post(session, config, author, RemotePost(
            uri="https://far.example/notes/9", url=None, text="",
            content='<p><a href="https://far.example/:blobcat:/x">:blobcat:</a> 안녕 :blobcat::blobcat: :other:</p>',
            spoiler_text="<b>:blobcat:</b>", emojis=tags))
        row = await session.get(Account, author.id)
        row.display_name = '<script>:blobcat:</script>'
        from madang.federation.emoji import store_account_emojis

        await store_account_emojis(session, config, row, tags)
    async with db.read() as session:
        view = (await load_status_views(session, [await session.get(Status, status.id)], None))[0]
    card = status_card(view)
    image = ('<img class="custom-emoji" src="https://far.example/emoji/blob&#34;cat.png" alt=":blobcat:" '
             'title=":blobcat:" width="20" height="20" draggable="false">')
    content = str(card["content"])
    assert 'href="https://far.example/:blobcat:/x"' in content  # attributes untouched
    assert content.count(image) == 3 and ":other:" in content
    assert str(card["spoiler_html"]) == f"&lt;b&gt;{image}&lt;/b&gt;"
    assert str(card["author"]["name_html"]) == f"&lt;script&gt;{image}&lt;/script&gt;"

    # What reaches the page is only our own markup: a shortcode can hold nothing but [A-Za-z0-9_],
    # and a '>' inside a quoted attribute does not end the tag.
    ref = EmojiRef("ok", "aa/bb.png", "aa/bb-small.png", True)
    tricky = Markup('<p><a href="https://x.example/?q=a>:ok:" class="mention">:ok:</a></p>')
    out = str(emojify_html(tricky, [ref]))
    assert out.startswith('<p><a href="https://x.example/?q=a>:ok:" class="mention"><img class="custom-emoji" src="/media/aa/bb.png"')
    assert emojify_text("no emoji here", [ref]) is None and emojify_html(tricky, []) is tricky


# --- Local emoji -------------------------------------------------------------------------------------


def test_an_admin_adds_a_local_emoji_that_posts_and_the_api_list(database_url: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from typer.testing import CliRunner

    from madang.cli import app

    monkeypatch.setenv("MADANG_DATABASE_URL", database_url)
    monkeypatch.setenv("MADANG_MEDIA_PATH", str(tmp_path / "media"))
    monkeypatch.setenv("MADANG_SECRET_KEY", "y" * 40)
    (tmp_path / "anyang.png").write_bytes(_png())
    runner = CliRunner()
    added = runner.invoke(app, ["emoji", "add", ":anyang:", str(tmp_path / "anyang.png")], catch_exceptions=False)
    assert added.exit_code == 0 and "added :anyang:" in added.output, added.output
    refused = runner.invoke(app, ["emoji", "add", "<b>", str(tmp_path / "anyang.png")])
    assert refused.exit_code == 1 and "shortcode" in refused.output
    assert ":anyang: " in runner.invoke(app, ["emoji", "list"], catch_exceptions=False).output

    async def post_with_it() -> str:
        db = Database(database_url)
        try:
            async with db.write() as session:
                author = await make_account(session, username="anyangcitizen")
                post = await make_status(session, author, "안양 :anyang: :unknown: 12:30:45")
                plain = await make_status(session, author, "그냥 글")
            assert post.emoji_shortcodes == "anyang" and plain.emoji_shortcodes is None
            data = await _api_json(db, post.id)
            key = (await _rows(db))[(None, "anyang")].file_key
            assert data["emojis"] == [{"shortcode": "anyang", "url": f"{BASE}/media/{key}",
                                       "static_url": data["emojis"][0]["static_url"], "visible_in_picker": True}]
            assert (tmp_path / "media" / key).is_file()
            return key
        finally:
            await db.dispose()

    key = asyncio.run(post_with_it())
    with running_server(database_url, media_path=tmp_path / "media") as base:
        listed = httpx.get(f"{base}/api/v1/custom_emojis").json()
        assert [(e["shortcode"], e["url"]) for e in listed] == [("anyang", f"{base}/media/{key}")]
        assert httpx.get(listed[0]["url"]).status_code == 200


async def test_an_edit_brings_new_emoji_and_the_history_lists_each_revisions(db: Database, tmp_path: Path) -> None:
    from datetime import timedelta

    from madang.federation.emoji import store_status_emojis
    from madang.mastodon_api.serializers.statuses import status_edit_json
    from madang.media.custom_emojis import revision_emojis
    from madang.statuses.edit import list_revision_views
    from madang.statuses.remote import update_remote_status

    config = _config(db, tmp_path, remote_media="link")
    author = await _remote_author(db, "far.example")
    cat = ("blobcat", "https://far.example/emoji/blobcat.png")
    fox = ("blobfox", "https://far.example/emoji/blobfox.png")
    async with db.write() as session:
        status = await store_post(session, config, author, RemotePost(
            uri="https://far.example/notes/5", url=None, content="<p>:blobcat:</p>", text="",
            created_at=utcnow() - timedelta(minutes=5), emojis=[cat]))
    first = await _api_json(db, status.id)
    assert [e["shortcode"] for e in first["emojis"]] == ["blobcat"]
    edit = RemotePost(uri=status.uri, url=None, content="<p>:blobfox: 로 바꿈</p>", text="",
                      edited_at=utcnow(), emojis=[cat, fox])
    async with db.write() as session:
        row = await session.get(Status, status.id)
        assert await update_remote_status(session, status=row, post=edit)
        await store_status_emojis(session, config, author=author, status=row, tags=edit.emojis)
    assert [e["shortcode"] for e in (await _api_json(db, status.id))["emojis"]] == ["blobfox"]
    async with db.read() as session:
        row = await session.get(Status, status.id)
        revisions = await list_revision_views(session, row)
        emojis = await revision_emojis(session, author.domain, revisions)
    history = [status_edit_json(r.edit, author, BASE, emojis=emojis.get(r.edit.id, ())) for r in revisions]
    assert [[e["shortcode"] for e in h["emojis"]] for h in history] == [["blobcat"], ["blobfox"]]
