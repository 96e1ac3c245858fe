"""Timelines, profiles and threads are read with statements built once (db.fast_select). The
answer must be exactly what the plain ORM queries give: these are the queries as they were
written before (the reference), and each page is compared id for id and byte for byte as the
Mastodon API encodes it, for viewers who block, mute, block a server, follow, or are nobody."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from madang.accounts import block_account, hidden_account_ids_query, mute_account
from madang.accounts.policies import muted_account_ids, not_on_blocked_domain
from madang.core.clock import utcnow
from madang.db import Database
from madang.db.paging import Page, fetch_page
from madang.mastodon_api.serializers.statuses import statuses_json_bytes
from madang.media import has_media
from madang.models import Account, Status, StatusPin, StatusTag, Tag
from madang.moderation.account_domain_blocks import block_domain_for_account
from madang.statuses.interactions import pin_status, reblog_status
from madang.statuses.policies import boosted_visible_to, not_blocked, visible_to
from madang.statuses.queries import AccountStatusFilter, get_shown_status, get_visible_status, list_account_statuses
from madang.statuses.threads import get_context
from madang.statuses.views import load_status_views
from madang.text import normalize_tag
from madang.timelines.queries import _keys, list_public_timeline, list_tag_timeline, moderated_out
from madang.core.errors import NotFound
from tests.factories import SITE, follow, make_account, make_status, run_jobs

BASE = SITE.base_url


# ----------------------------------------------------------- the reference (plain ORM) queries
def _without_replies() -> Any:
    return (Status.in_reply_to_id.is_(None)) | (Status.in_reply_to_account_id == Status.account_id)


async def plain_public(s, *, viewer_id, page, local=False, remote=False, only_media=False):  # type: ignore[no-untyped-def]
    stmt = select(Status).where(Status.visibility == "public", Status.deleted_at.is_(None),
                                Status.reblog_of_id.is_(None), _without_replies(), not_blocked(viewer_id),
                                moderated_out(viewer_id))
    if local:
        stmt = stmt.where(Status.local.is_(True))
    if remote:
        stmt = stmt.where(Status.local.is_(False))
    if only_media:
        stmt = stmt.where(has_media(Status.id))
    if viewer_id is not None:
        stmt = stmt.where(Status.account_id.not_in(hidden_account_ids_query(viewer_id).scalar_subquery()),
                          not_on_blocked_domain(viewer_id, Status.account_id))
    return await fetch_page(s, stmt, Status.id, page)


def _tagged(names: list[str]) -> Select:
    return select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id).where(Tag.key.in_(_keys(names)))


async def plain_tag(s, *, tag_names, viewer_id, page, local=False, all_names=None, none_names=None,  # type: ignore[no-untyped-def]
                    only_media=False):
    tag_ids = list(await s.scalars(select(Tag.id).where(Tag.key.in_(_keys(tag_names)))))
    if not tag_ids:
        return []
    post = [Status.id == StatusTag.status_id, Status.visibility == "public", visible_to(viewer_id),
            not_blocked(viewer_id), Status.reblog_of_id.is_(None), moderated_out(viewer_id)]
    for name in all_names or []:
        post.append(Status.id.in_(_tagged([name])))
    if none_names:
        post.append(Status.id.not_in(_tagged(none_names)))
    if local:
        post.append(Status.local.is_(True))
    if only_media:
        post.append(has_media(Status.id))
    if viewer_id is not None:
        post.append(Status.account_id.not_in(hidden_account_ids_query(viewer_id).scalar_subquery()))
        post.append(not_on_blocked_domain(viewer_id, Status.account_id))
    found: set[int] = set()
    for tag_id in tag_ids:
        ids = select(StatusTag.status_id).where(StatusTag.tag_id == tag_id, exists().where(*post))
        found.update(await fetch_page(s, ids, StatusTag.status_id, page))
    chosen = sorted(found)[:page.limit] if page.min_id is not None else sorted(found, reverse=True)[:page.limit]
    rows = {x.id: x for x in await s.scalars(select(Status).where(Status.id.in_(chosen)))} if chosen else {}
    return [rows[i] for i in sorted(chosen, reverse=True) if i in rows]


async def plain_account(s, *, account, viewer_id, page, filters):  # type: ignore[no-untyped-def]
    stmt = select(Status).where(Status.account_id == account.id, visible_to(viewer_id), not_blocked(viewer_id),
                                boosted_visible_to(viewer_id))
    if filters.pinned:
        stmt = stmt.where(Status.id.in_(select(StatusPin.status_id).where(StatusPin.account_id == account.id)))
    if filters.exclude_replies:
        stmt = stmt.where((Status.in_reply_to_id.is_(None)) | (Status.in_reply_to_account_id == account.id))
    if filters.exclude_reblogs:
        stmt = stmt.where(Status.reblog_of_id.is_(None))
    if filters.only_media:
        stmt = stmt.where(has_media(Status.id))
    if filters.tagged:
        stmt = stmt.where(Status.id.in_(select(StatusTag.status_id).join(Tag, Tag.id == StatusTag.tag_id)
                                        .where(Tag.key == normalize_tag(filters.tagged))))
    return await fetch_page(s, stmt, Status.id, page)


async def plain_shown_ids(s, ids, viewer_id):  # type: ignore[no-untyped-def]
    stmt = select(Status.id).where(Status.id.in_(ids), visible_to(viewer_id), not_blocked(viewer_id))
    if viewer_id is not None:
        stmt = stmt.where(not_on_blocked_domain(viewer_id, Status.account_id))
        muted = await muted_account_ids(s, viewer_id)
        if muted:
            stmt = stmt.where(Status.account_id.not_in(muted))
    return set(await s.scalars(stmt))


async def plain_thread(s, status):  # type: ignore[no-untyped-def]
    """Ids of the ancestors (oldest first) and of every descendant, through the ORM."""
    chain, parent_id = [], status.in_reply_to_id
    while parent_id is not None:
        parent = await s.get(Status, parent_id)
        chain.append(parent.id)
        parent_id = parent.in_reply_to_id
    below, frontier = [], [status.id]
    while frontier:
        children = list(await s.scalars(select(Status.id).where(Status.in_reply_to_id.in_(frontier),
                                                                 Status.reblog_of_id.is_(None))))
        below += children
        frontier = children
    return chain[::-1], below


# ---------------------------------------------------------------------------------- the city
async def _remote(s, username: str, domain: str) -> Account:  # type: ignore[no-untyped-def]
    now = utcnow()
    account = Account(username=username, domain=domain, acct_key=f"{username}@{domain}".lower(),
                      uri=f"https://{domain}/users/{username}", url=f"https://{domain}/@{username}",
                      inbox_url=f"https://{domain}/users/{username}/inbox", created_at=now, updated_at=now)
    s.add(account)
    await s.flush()
    return account


async def _city(db: Database) -> dict[str, Any]:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        fan = await make_account(s, username="fan")
        blocker = await make_account(s, username="blocker")
        muter = await make_account(s, username="muter")
        shy = await make_account(s, username="shy")
        far = await _remote(s, "faraway", "far.example")
        await follow(s, fan, city)
        posts = []
        for i in range(7):
            posts.append(await make_status(s, city, f"안양 소식 {i} #안양 #평촌" if i % 2 else f"안양 {i} #안양"))
        posts.append(await make_status(s, city, "팔로워 공지 #안양", visibility="private"))
        posts.append(await make_status(s, city, "조용히 #안양", visibility="unlisted"))
        posts.append(await make_status(s, shy, "수줍은 글 #안양 #평촌"))
        root = posts[0]
        replies = []
        for i in range(6):
            author = (fan, shy, city)[i % 3]
            parent = root if i < 3 else replies[i - 3]
            replies.append(await make_status(s, author, f"답글 {i} #안양", in_reply_to=parent))
        replies.append(await make_status(s, shy, "팔로워에게만 답글", visibility="private", in_reply_to=root))
        remote_post = Status(account_id=far.id, local=False, text="먼 곳 #안양", content="<p>먼 곳 #안양</p>",
                             visibility="public", uri="https://far.example/notes/1", url="https://far.example/@faraway/1",
                             created_at=utcnow())
        s.add(remote_post)
        await s.flush()
        await reblog_status(s, site=SITE, account=fan, status=posts[1])
        await pin_status(s, account=city, status=posts[2])
        await block_account(s, account=blocker, target=shy)
        await mute_account(s, account=muter, target=fan)
        await block_domain_for_account(s, account=muter, domain="far.example")
    await run_jobs(db)
    return {"city": city, "fan": fan, "shy": shy, "root": root, "replies": replies,
            "viewers": [None, city.id, fan.id, blocker.id, muter.id, shy.id]}


async def _same(s, viewer, fast: list, plain: list) -> None:  # type: ignore[no-untyped-def]
    assert [x.id for x in fast] == [x.id for x in plain]
    fast_bytes = statuses_json_bytes(await load_status_views(s, fast, viewer), BASE)
    plain_bytes = statuses_json_bytes(await load_status_views(s, plain, viewer), BASE)
    assert fast_bytes == plain_bytes


PAGES = [Page(limit=40), Page(max_id=2**62, limit=2), Page(min_id=0, limit=3), Page(since_id=1, limit=40)]
PUBLIC_OPTIONS = [(False, False, False), (True, False, False), (False, True, False), (False, False, True)]


async def test_public_tag_and_profile_pages_match_the_plain_queries(database_url) -> None:
    db = Database(database_url)
    try:
        city = await _city(db)
        checked = 0
        async with db.read() as s:
            for viewer in city["viewers"]:
                for page in PAGES:
                    for local, remote, media in PUBLIC_OPTIONS:
                        kw = dict(viewer_id=viewer, page=page, local=local, remote=remote, only_media=media)
                        await _same(s, viewer, await list_public_timeline(s, **kw), await plain_public(s, **kw))
                        checked += 1
                    for names, all_names, none_names, local in [
                        (["안양"], None, None, False), (["안양", "평촌"], None, None, True),
                        (["안양"], ["평촌"], None, False), (["안양"], None, ["평촌"], False),
                        (["#안양"], ["평촌", "안양"], ["없는태그"], False), (["없는태그"], None, None, False),
                    ]:
                        kw = dict(tag_names=names, viewer_id=viewer, page=page, local=local,
                                  all_names=all_names, none_names=none_names)
                        await _same(s, viewer, await list_tag_timeline(s, **kw), await plain_tag(s, **kw))
                        checked += 1
                    for author in (city["city"], city["fan"]):
                        for f in [AccountStatusFilter(), AccountStatusFilter(pinned=True),
                                  AccountStatusFilter(exclude_replies=True, exclude_reblogs=True),
                                  AccountStatusFilter(only_media=True), AccountStatusFilter(tagged="#평촌")]:
                            kw = dict(account=author, viewer_id=viewer, page=page, filters=f)
                            await _same(s, viewer, await list_account_statuses(s, **kw), await plain_account(s, **kw))
                            checked += 1
            # The pages are not all empty: the comparison compares something.
            assert len(await list_public_timeline(s, viewer_id=None, page=Page(limit=40))) >= 8
        assert checked > 300
    finally:
        await db.dispose()


async def test_threads_and_permalinks_match_the_plain_queries(database_url) -> None:
    db = Database(database_url)
    try:
        city = await _city(db)
        async with db.read() as s:
            for viewer in city["viewers"]:
                for status in [city["root"], *city["replies"]]:
                    try:
                        plain = await get_visible_status(s, status.id, viewer)
                    except NotFound:
                        plain = None
                    try:
                        fast = await get_shown_status(s, status.id, viewer)
                    except NotFound:
                        fast = None
                    assert (fast is None) == (plain is None), (viewer, status.id)
                    if fast is None:
                        continue
                    await _same(s, viewer, [fast], [plain])
                    thread = await get_context(s, fast, viewer)
                    ancestors, descendants = await plain_thread(s, plain)
                    shown = await plain_shown_ids(s, ancestors + descendants, viewer)
                    assert [x.id for x in thread.ancestors] == [i for i in ancestors if i in shown]
                    assert {x.id for x in thread.descendants} == {i for i in descendants if i in shown}
            thread = await get_context(s, await get_shown_status(s, city["root"].id, None), None)
            assert len(thread.descendants) == 6
    finally:
        await db.dispose()
