"""The city blog against feeds served on loopback: a feed added posts only its latest entry, each
entry is announced once across polls (and across two polls at once), an entry published later
is announced on the next poll, and a broken, missing or unreachable feed records an error,
posts nothing, and is tried again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from madang.blog import feeds as blog_feeds
from madang.blog.fetching import FetchLimits
from madang.blog.polling import POLL_JOB, BlogConfig, poll_feed, run_blog_polls, schedule_blog_polls
from madang.blog.posting import MAX_POSTS_PER_POLL, entry_text
from madang.core.errors import Conflict, Forbidden, Invalid
from madang.db import Database
from madang.models import Job, Status
from madang.models.blog import BlogEntry, BlogFeed
from madang.models.short_links import ShortLink
from madang.text.counting import count_characters
from tests.desk.city import SITE, City, clock_fixture, make_city  # noqa: F401
from tests.factories import rerun_done_jobs, run_jobs
from tests.office.feed_server import Doc, FeedServer, atom, feed_server, rss

pytestmark = pytest.mark.usefixtures("clock")

LOOPBACK = FetchLimits(allow="127.0.0.1/32", timeout=5)
CONFIG = BlogConfig(site=SITE, every_minutes=5, limits=LOOPBACK)
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
ITEMS = [("p1", "안양천 벚꽃길 걷기 행사", T0), ("p2", "평촌 도서관 야간 개관", T0 + timedelta(hours=5)),
         ("p3", "시내버스 노선 개편 안내", T0 + timedelta(days=1))]


@pytest.fixture
def server() -> FeedServer:  # type: ignore[misc]
    with feed_server() as running:
        yield running


async def _add(db: Database, city: City, url: str, *, staff=None, interval: int = 15) -> BlogFeed:  # type: ignore[no-untyped-def]
    preview = await blog_feeds.preview_feed(url, limits=LOOPBACK)
    async with db.write() as s:
        return await blog_feeds.add_feed(s, organisation=city.org, staff=staff or city.admin, url=url,
                                         preview=preview, interval_minutes=interval, job_payload=CONFIG.payload())


async def _posts(db: Database, city: City) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(Status.text).where(Status.account_id == city.org.id).order_by(Status.id)))


async def _feed(db: Database, feed_id: int) -> BlogFeed:
    async with db.read() as s:
        feed = await s.get(BlogFeed, feed_id)
        assert feed is not None
        return feed


async def test_the_blog_feed_is_announced_once(db: Database, server: FeedServer, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    server.docs["/rss.xml"] = Doc(rss("안양시 공식 블로그", ITEMS))
    feed = await _add(db, city, server.url("/rss.xml"))
    assert feed.title == "안양시 공식 블로그" and feed.active

    # Adding queued one poll: it posts the latest entry only, as the city, with a short link.
    await run_jobs(db)
    posts = await _posts(db, city)
    assert len(posts) == 1 and posts[0].startswith("시내버스 노선 개편 안내\nhttps://madang.test/s/")
    async with db.read() as s:
        link = await s.scalar(select(ShortLink))
        assert link is not None and link.url == "https://blog.anyang.kr/posts/p3" and link.account_id == city.org.id
        assert link.status_id is not None and posts[0].endswith(f"/s/{link.code}")
        entries = {e.key: e for e in await s.scalars(select(BlogEntry))}
    # The older entries are remembered as seen, never posted.
    assert set(entries) == {"p1", "p2", "p3"}
    assert entries["p3"].status_id == link.status_id and entries["p1"].posted_at is None

    # Polled again (and the job's run repeated, as after a crash): nothing new, nothing twice.
    clock.advance(minutes=20)
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == 0
    await rerun_done_jobs(db)
    assert len(await _posts(db, city)) == 1

    # Two entries published later: both on the next poll, the older first.
    server.docs["/rss.xml"] = Doc(rss("안양시 공식 블로그", ITEMS + [
        ("p5", "주말 농장 분양", T0 + timedelta(days=3)), ("p4", "어린이날 행사", T0 + timedelta(days=2))]))
    clock.advance(minutes=20)
    result = await poll_feed(db, feed_id=feed.id, config=CONFIG)
    assert result.posted == 2 and result.error is None
    titles = [p.split("\n")[0] for p in await _posts(db, city)]
    assert titles == ["시내버스 노선 개편 안내", "어린이날 행사", "주말 농장 분양"]
    checked = await _feed(db, feed.id)
    assert checked.last_error is None and checked.last_checked_at == clock.now()


async def test_an_atom_feed_and_two_polls_at_once(db: Database, server: FeedServer) -> None:
    city = await make_city(db)
    server.docs["/atom"] = Doc(atom("안양 소식", ITEMS[:1]), content_type="application/atom+xml")
    feed = await _add(db, city, server.url("/atom"))
    await run_jobs(db)
    assert [p.split("\n")[0] for p in await _posts(db, city)] == ["안양천 벚꽃길 걷기 행사"]

    server.docs["/atom"] = Doc(atom("안양 소식", ITEMS), content_type="application/atom+xml")
    # Two workers poll the same feed at the same moment: each entry is still posted once.
    results = await asyncio.gather(poll_feed(db, feed_id=feed.id, config=CONFIG),
                                   poll_feed(db, feed_id=feed.id, config=CONFIG))
    assert sum(r.posted for r in results) == 2
    assert [p.split("\n")[0] for p in await _posts(db, city)] == [
        "안양천 벚꽃길 걷기 행사", "평촌 도서관 야간 개관", "시내버스 노선 개편 안내"]
    async with db.read() as s:
        assert len(list(await s.scalars(select(ShortLink)))) == 3


async def test_a_broken_feed_records_an_error_posts_nothing_and_is_tried_again(
    db: Database, server: FeedServer, clock,  # type: ignore[no-untyped-def]
) -> None:
    city = await make_city(db)
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS[:1]))
    feed = await _add(db, city, server.url("/rss.xml"))
    await run_jobs(db)
    assert len(await _posts(db, city)) == 1

    # Malformed XML (cut off half-way, with a readable new entry in it): refused whole.
    whole = rss("안양시 블로그", ITEMS)
    server.docs["/rss.xml"] = Doc(whole[: whole.index(b"</item>") + 7])
    clock.advance(minutes=20)
    result = await poll_feed(db, feed_id=feed.id, config=CONFIG)
    assert result.posted == 0 and "XML이 올바르지 않습니다" in (result.error or "")
    assert "XML이 올바르지 않습니다" in ((await _feed(db, feed.id)).last_error or "")

    # Gone (404), then an HTML page, then nobody listening: each an error, nothing posted.
    for doc, expected in ((None, "HTTP 404"), (Doc(b"<html><body>hi</body></html>", "text/html"), "RSS나 Atom")):
        if doc is None:
            del server.docs["/rss.xml"]
        else:
            server.docs["/rss.xml"] = doc
        clock.advance(minutes=20)
        assert expected in ((await poll_feed(db, feed_id=feed.id, config=CONFIG)).error or "")
    async with db.write() as s:
        (await s.get(BlogFeed, feed.id)).url = "http://127.0.0.1:9/feed"  # type: ignore[union-attr]
    clock.advance(minutes=20)
    assert "연결할 수 없습니다" in ((await poll_feed(db, feed_id=feed.id, config=CONFIG)).error or "")
    assert len(await _posts(db, city)) == 1

    # Fixed: the next poll posts what was published meanwhile and clears the error.
    async with db.write() as s:
        (await s.get(BlogFeed, feed.id)).url = server.url("/rss.xml")  # type: ignore[union-attr]
    server.docs["/rss.xml"] = Doc(whole)
    clock.advance(minutes=20)
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == 2
    assert (await _feed(db, feed.id)).last_error is None


async def test_adding_a_feed_checks_the_address_and_the_role(db: Database, server: FeedServer) -> None:
    city = await make_city(db)
    whole = rss("안양시 블로그", ITEMS)
    server.docs["/broken"] = Doc(whole[:200])
    server.docs["/rss.xml"] = Doc(whole)
    for url, message in (("ftp://anyang.go.kr/feed", "http:// 또는 https://"), ("", "입력해 주세요"),
                         (server.url("/missing"), "HTTP 404"), (server.url("/broken"), "XML이 올바르지 않습니다")):
        with pytest.raises(Invalid) as refused:
            await blog_feeds.preview_feed(url, limits=LOOPBACK)
        assert refused.value.field == "url" and message in refused.value.message
    # This machine and its private network are out of reach unless the instance allows them.
    with pytest.raises(Invalid, match="내부망"):
        await blog_feeds.preview_feed(server.url("/rss.xml"), limits=FetchLimits())
    # Too large a document is not read.
    with pytest.raises(Invalid, match="너무 큽니다"):
        await blog_feeds.preview_feed(server.url("/rss.xml"), limits=FetchLimits(allow="127.0.0.1/32", max_bytes=100))

    # Only office admins add feeds; the same feed twice is refused.
    with pytest.raises(Forbidden):
        await _add(db, city, server.url("/rss.xml"), staff=city.triager)
    await _add(db, city, server.url("/rss.xml"))
    with pytest.raises(Conflict):
        await _add(db, city, server.url("/rss.xml"))
    async with db.read() as s:
        assert len(list(await s.scalars(select(BlogFeed)))) == 1
        rows = await blog_feeds.list_feeds(s, organisation=city.org, staff=city.reader)
    assert [r.feed.title for r in rows] == ["안양시 블로그"]


async def test_conditional_get_and_paused_feeds(db: Database, server: FeedServer, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS), etag='"v1"')
    feed = await _add(db, city, server.url("/rss.xml"))
    await run_jobs(db)
    clock.advance(minutes=20)
    await poll_feed(db, feed_id=feed.id, config=CONFIG)
    # The second poll sent the validator back and got a 304: checked, nothing read or posted.
    assert server.requests[-1][1].get("if-none-match") == '"v1"'
    assert (await _feed(db, feed.id)).last_checked_at == clock.now() and len(await _posts(db, city)) == 1

    async with db.write() as s:
        await blog_feeds.set_feed_active(s, organisation=city.org, staff=city.admin, feed_id=feed.id, active=False)
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS + [("p4", "새 글", T0 + timedelta(days=2))]), etag='"v2"')
    clock.advance(minutes=20)
    requests = len(server.requests)
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == 0 and len(server.requests) == requests
    async with db.write() as s:
        await blog_feeds.set_feed_active(s, organisation=city.org, staff=city.admin, feed_id=feed.id, active=True)
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == 1


async def test_the_polling_chain_polls_due_feeds_and_comes_back(db: Database, server: FeedServer, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    server.docs["/a.xml"] = Doc(rss("블로그 A", ITEMS[:1]))
    server.docs["/b.xml"] = Doc(rss("블로그 B", ITEMS[:1]))
    for first in (True, False):  # one chain however often the server starts
        async with db.write() as s:
            assert await schedule_blog_polls(s, config=CONFIG) is first
    a = await _add(db, city, server.url("/a.xml"), interval=15)
    await _add(db, city, server.url("/b.xml"), interval=60)
    await run_jobs(db)
    assert len(await _posts(db, city)) == 2

    async def pending() -> list[datetime]:
        async with db.read() as s:
            return list(await s.scalars(select(Job.run_at).where(Job.name == POLL_JOB, Job.state == "pending")))
    assert await pending() == [clock.now() + timedelta(minutes=5)]

    # 20 minutes on, A (every 15 minutes) is due and B (hourly) is not.
    server.docs["/a.xml"] = Doc(rss("블로그 A", ITEMS[:2]))
    server.docs["/b.xml"] = Doc(rss("블로그 B", ITEMS[:2]))
    clock.advance(minutes=20)
    await run_blog_polls(db, CONFIG.payload())
    texts = await _posts(db, city)
    assert len(texts) == 3 and texts[-1].startswith("평촌 도서관 야간 개관")
    assert (await _feed(db, a.id)).last_checked_at == clock.now()


async def test_a_quiet_feed_catches_up_a_few_posts_a_poll(db: Database, server: FeedServer, clock) -> None:  # type: ignore[no-untyped-def]
    city = await make_city(db)
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS[:1]))
    feed = await _add(db, city, server.url("/rss.xml"))
    await run_jobs(db)
    many = [(f"n{i}", f"소식 {i}", T0 + timedelta(days=2, hours=i)) for i in range(8)]
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS[:1] + many))
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == MAX_POSTS_PER_POLL
    clock.advance(minutes=20)
    assert (await poll_feed(db, feed_id=feed.id, config=CONFIG)).posted == 3
    assert [p.split("\n")[0] for p in (await _posts(db, city))[1:]] == [f"소식 {i}" for i in range(8)]


def test_a_long_title_is_cut_to_fit_with_the_link() -> None:
    link = "https://madang.test/s/AbCdEfG"
    title = "안양시 " + "가나다라마바사아자차카타파하" * 20
    text = entry_text(title, link, 140)
    assert count_characters(text) == 140 and text.endswith("…\n" + link)
    assert entry_text("짧은 제목", link, 140) == "짧은 제목\n" + link
    # A title with a link in it: the link counts 23, and the cut still fits.
    odd = "공지 https://www.anyang.go.kr/" + "x" * 300 + " " + "가" * 200
    assert count_characters(entry_text(odd, link, 140)) <= 140


async def test_feed_addresses_that_lead_inside_are_refused_with_a_message(server: FeedServer) -> None:
    """Hosts IDNA cannot write (①②⑦ would fold to 127), the carrier-grade NAT range where some
    clouds keep their metadata service, 6to4, and a public-looking feed that redirects inside."""
    server.docs["/rss.xml"] = Doc(rss("안양시 블로그", ITEMS[:1]))
    with pytest.raises(Invalid, match="호스트 이름") as refused:
        await blog_feeds.preview_feed("http://①②⑦.0.0.1/rss.xml", limits=FetchLimits())
    assert refused.value.field == "url"
    for url in ("http://100.64.0.1/rss.xml", "http://[2002:7f00:1::]/rss.xml", "http://169.254.169.254/"):
        with pytest.raises(Invalid, match="내부망"):
            await blog_feeds.preview_feed(url, limits=FetchLimits(timeout=1))
    # Allowed by name, the feed host's redirect to a loopback address it does not name is refused.
    server.docs["/redirect-inside"] = Doc(b"", status=302, location=server.url("/rss.xml"))  # 127.0.0.1
    port = server.base.rsplit(":", 1)[1]
    allowed = FetchLimits(allow="localhost", timeout=5)
    assert (await blog_feeds.preview_feed(f"http://localhost:{port}/rss.xml", limits=allowed)).title == "안양시 블로그"
    with pytest.raises(Invalid, match="내부망"):
        await blog_feeds.preview_feed(f"http://localhost:{port}/redirect-inside", limits=allowed)
