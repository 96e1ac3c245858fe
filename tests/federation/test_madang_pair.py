"""Two madang servers federating in the TLS lab: https://madang-a.test on SQLite and
https://madang-b.test on PostgreSQL, each driven through Mastodon.py as its own users would:
follows (unlocked and locked), a Hangul hashtag, a mention, a photo with alt text, a poll,
replies, favourites, boosts, edits, deletion, unfollow and block; followers-only and direct
posts reach only whom they should; a 민원 from the other server answered with masking; and a
suspended domain cut off. Skips with the reason where the lab cannot run."""

from __future__ import annotations

import io
import itertools
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from madang.auth.tokens import issue_token
from madang.core.ids import new_id
from madang.db import Database
from tests.accounts.factories import make_user
from tests.federation.test_gotosocial import wait_for
from tests.support import lab as labs
from tests.support import pgserver
from tests.support.lab import Lab

pytestmark = pytest.mark.slow
_names = itertools.count()


@dataclass(frozen=True)
class Server:
    base: str
    domain: str
    database_url: str


@pytest.fixture(scope="module")
def pair(lab: Lab, sqlite_template: Path, pg_server: pgserver.PgServer,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    folder = tmp_path_factory.mktemp("pair")
    path = folder / "a.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url_a = f"sqlite+aiosqlite:///{path}"
    name = f"pair_b_{new_id()}"
    pg_server.psql(f"CREATE DATABASE {name} TEMPLATE madang_template")
    url_b = pg_server.url(name)
    with labs.running_lab_server(url_a, "madang-a.test", labs.HOSTS["madang-a.test"], lab=lab,
                                 media_path=folder / "media-a") as base_a, \
            labs.running_lab_server(url_b, "madang-b.test", labs.HOSTS["madang-b.test"], lab=lab,
                                    media_path=folder / "media-b") as base_b:
        yield Server(base_a, "madang-a.test", url_a), Server(base_b, "madang-b.test", url_b)


async def user(server: Server, **fields: Any) -> tuple[Any, str]:
    """A new account on ``server`` and a Mastodon.py client signed in as it."""
    from mastodon import Mastodon
    import requests

    username = fields.pop("username", None) or f"p{next(_names)}x{int(time.time()) % 100000}"
    db = Database(server.database_url)
    try:
        async with db.write() as session:
            account, _ = await make_user(session, username=username, base_url=server.base, **fields)
            token = (await issue_token(session, application=None, account=account,
                                       scopes=["read", "write", "follow", "push"])).token
    finally:
        await db.dispose()
    http = requests.Session()
    http.trust_env = False
    http.verify = str(labs.current_lab().ca)
    return Mastodon(access_token=token, api_base_url=server.base, version_check_mode="none", session=http,
                    request_timeout=60), username


def resolve(client: Any, acct: str) -> dict:
    def found() -> dict | None:
        accounts = client.search_v2(f"@{acct}", resolve=True, result_type="accounts")["accounts"]
        return next((a for a in accounts if a["acct"] == acct), None)
    return wait_for(found, timeout=30, what=f"{acct} to resolve")


def in_home(client: Any, uri: str) -> dict | None:
    return next((s for s in client.timeline_home(limit=40) if s["uri"] == uri
                 or (s.get("reblog") and s["reblog"]["uri"] == uri)), None)


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


async def test_posts_replies_likes_boosts_edits_and_deletes_cross_between_two_madangs(
        pair: tuple[Server, Server]) -> None:
    a, b = pair
    alice, alice_name = await user(a, display_name="평촌 앨리스")
    bob, bob_name = await user(b, display_name="범계 밥")

    remote_bob = resolve(alice, f"{bob_name}@{b.domain}")
    assert remote_bob["display_name"] == "범계 밥" and remote_bob["url"] == f"{b.base}/@{bob_name}"
    alice.account_follow(remote_bob["id"])
    wait_for(lambda: alice.account_relationships(remote_bob["id"])[0]["following"], what="b's Accept")
    wait_for(lambda: bob.me()["followers_count"] == 1, what="b to count alice")

    # A post with a Hangul hashtag, a photo with alt text and a poll reaches alice's home on a.
    media = bob.media_post(jpeg(), mime_type="image/jpeg", description="안양천 벚꽃길 사진")
    post = bob.status_post("벚꽃 개화 #안양천", media_ids=[media["id"]])
    poll = bob.status_post("어느 길이 좋나요?", poll=bob.make_poll(["안양천", "학의천"], expires_in=3600))
    seen = wait_for(lambda: in_home(alice, post["uri"]), what="bob's post on a")
    assert [t["name"] for t in seen["tags"]] == ["안양천"]
    assert seen["media_attachments"][0]["description"] == "안양천 벚꽃길 사진"
    seen_poll = wait_for(lambda: in_home(alice, poll["uri"]), what="bob's poll on a")
    assert [o["title"] for o in seen_poll["poll"]["options"]] == ["안양천", "학의천"]
    # Alice votes from a: b counts it; a neighbour on b votes too, and a hears the new counts.
    alice.poll_vote(seen_poll["poll"]["id"], [1])
    wait_for(lambda: bob.status(poll["id"])["poll"]["votes_count"] == 1, what="alice's vote counted on b")
    neighbour, _ = await user(b)
    neighbour.poll_vote(poll["poll"]["id"], [0])
    wait_for(lambda: alice.status(seen_poll["id"])["poll"]["votes_count"] == 2, what="b's new counts on a")
    # The photo is cached on a (readers' addresses do not reach b).
    wait_for(lambda: alice.status(seen["id"])["media_attachments"][0]["url"].startswith(a.base),
             what="the photo cached on a")

    # Alice replies with a mention, favourites and boosts: b threads, counts and notifies.
    reply = alice.status_post(f"@{bob_name}@{b.domain} 예쁘네요!", in_reply_to_id=seen["id"])
    note = wait_for(lambda: next((n for n in bob.notifications() if n["type"] == "mention"), None),
                    what="the mention on b")
    assert note["account"]["acct"] == f"{alice_name}@{a.domain}" and note["status"]["uri"] == reply["uri"]
    assert note["status"]["in_reply_to_id"] == post["id"]
    alice.status_favourite(seen["id"])
    wait_for(lambda: bob.status(post["id"])["favourites_count"] == 1, what="the favourite on b")
    alice.status_reblog(seen["id"])
    wait_for(lambda: bob.status(post["id"])["reblogs_count"] == 1, what="the boost on b")
    kinds = {n["type"] for n in bob.notifications()}
    assert {"mention", "favourite", "reblog"} <= kinds
    alice.status_unreblog(seen["id"])
    wait_for(lambda: bob.status(post["id"])["reblogs_count"] == 0, what="the Undo Announce on b")

    # Bob edits and deletes: a follows.
    bob.status_update(post["id"], "벚꽃 만개 #안양천", media_ids=[media["id"]])
    wait_for(lambda: "만개" in alice.status(seen["id"])["content"], what="the edit on a")
    alice.status_unfavourite(seen["id"])
    wait_for(lambda: bob.status(post["id"])["favourites_count"] == 0, what="the unfavourite on b")
    bob.status_delete(post["id"])

    def gone() -> bool:
        try:
            alice.status(seen["id"])
        except Exception:  # noqa: BLE001 - not found once deleted
            return True
        return False
    wait_for(gone, what="the deletion on a")

    # Unfollow: b no longer counts alice.
    alice.account_unfollow(remote_bob["id"])
    wait_for(lambda: bob.me()["followers_count"] == 0, what="the unfollow on b")


async def test_followers_only_and_direct_posts_reach_only_their_audience(pair: tuple[Server, Server]) -> None:
    a, b = pair
    follower, _ = await user(a)
    stranger, stranger_name = await user(a)
    friend, friend_name = await user(a)
    author, author_name = await user(b, locked=True)

    remote = resolve(follower, f"{author_name}@{b.domain}")
    assert remote["locked"] is True
    follower.account_follow(remote["id"])
    request = wait_for(lambda: author.follow_requests(), what="the request on b")
    author.follow_request_authorize(request[0]["id"])
    wait_for(lambda: follower.account_relationships(remote["id"])[0]["following"], what="the approval on a")

    resolve(author, f"{friend_name}@{a.domain}")
    private = author.status_post("팔로워에게만 알립니다", visibility="private")
    direct = author.status_post(f"@{friend_name}@{a.domain} 둘만 아는 이야기", visibility="direct")
    wait_for(lambda: in_home(follower, private["uri"]), what="the followers-only post on a")
    dm = wait_for(lambda: next((c for c in friend.conversations() if c["last_status"]["uri"] == direct["uri"]), None),
                  what="the direct message on a")
    assert dm["last_status"]["visibility"] == "direct"
    time.sleep(1)
    assert in_home(follower, direct["uri"]) is None
    assert in_home(stranger, private["uri"]) is None and in_home(friend, private["uri"]) is None
    found = stranger.search_v2(private["uri"], resolve=True, result_type="statuses")["statuses"]
    assert found == []  # b serves followers-only posts to nobody who asks


async def test_a_minwon_from_the_other_server_becomes_a_case_and_is_answered_masked(
        pair: tuple[Server, Server]) -> None:
    """A citizen on a asks b's city; b's desk takes it in, a staff member answers with a phone
    number in the text; the public reply that reaches a carries it masked."""
    from madang.desk.answers import answer_case
    from madang.desk.inbox import triage_to_case
    from madang.desk.organisations import add_department, add_staff
    from madang.models import Account, Case, InboxItem
    from madang.statuses.create import Site

    a, b = pair
    citizen, citizen_name = await user(a)
    _city_client, city_name = await user(b, organisation=True, display_name="안양시청")
    db = Database(b.database_url)
    try:
        async with db.write() as session:
            city = await session.scalar(select(Account).where(Account.acct_key == city_name.lower()))
            staff, _ = await make_user(session, username=f"staff{next(_names)}x{int(time.time()) % 100000}",
                                       base_url=b.base)
            transport = await add_department(session, organisation=city, name="교통", code="transport")
            await add_staff(session, organisation=city, account=staff, role="office_admin")
    finally:
        await db.dispose()

    resolve(citizen, f"{city_name}@{b.domain}")
    question = citizen.status_post(f"@{city_name}@{b.domain} 범계역 버스정류장 안내판이 고장났어요")

    async def taken_in() -> InboxItem | None:
        db = Database(b.database_url)
        try:
            async with db.read() as session:
                return await session.scalar(select(InboxItem).where(InboxItem.organisation_id == city.id))
        finally:
            await db.dispose()

    deadline = time.monotonic() + 45
    item = None
    while item is None and time.monotonic() < deadline:
        item = await taken_in()
        if item is None:
            time.sleep(0.5)
    assert item is not None, "the remote mention never reached b's desk"

    db = Database(b.database_url)
    try:
        async with db.write() as session:
            site = Site(base_url=b.base, domain=b.domain)
            case = await triage_to_case(session, site=site, organisation=city, item_id=item.id, staff=staff,
                                        kind="grievance", department=transport)
            await answer_case(session, site=site, organisation=city, case_id=case.id, staff=staff,
                              text="확인했습니다. 담당자 010-1234-5678 로 연락드리겠습니다.")
        async with db.read() as session:
            stored = await session.get(Case, case.id)
            assert stored is not None and stored.citizen_id == item.author_id
    finally:
        await db.dispose()
    answer = wait_for(lambda: next((n for n in citizen.notifications() if n["type"] == "mention"
                                    and n["status"]["in_reply_to_id"] == question["id"]), None),
                      what="the desk's answer on a")
    assert "확인했습니다" in answer["status"]["content"]
    assert "010-1234-5678" not in answer["status"]["content"]
    assert answer["account"]["acct"] == f"{city_name}@{b.domain}"


async def test_a_block_and_a_domain_suspension_cut_the_other_server_off(pair: tuple[Server, Server]) -> None:
    from madang.models import Account, Follow

    a, b = pair
    carol, carol_name = await user(a)
    dave, dave_name = await user(b)
    remote_dave = resolve(carol, f"{dave_name}@{b.domain}")
    carol.account_follow(remote_dave["id"])
    wait_for(lambda: dave.me()["followers_count"] == 1, what="the follow on b")

    remote_carol = resolve(dave, f"{carol_name}@{a.domain}")
    dave.account_block(remote_carol["id"])
    wait_for(lambda: not carol.account_relationships(remote_dave["id"])[0]["following"],
             what="the Block to end carol's follow on a")

    # Server a's admin suspends b (the moderation use case, as /admin and the admin API call it):
    # follows with b's accounts are cut, and b's deliveries are refused.
    from madang.moderation.domain_blocks import block_domain, unblock_domain

    db = Database(a.database_url)
    try:
        async with db.write() as session:
            admin, admin_user = await make_user(session, username=f"admin{next(_names)}x{int(time.time()) % 100000}",
                                                base_url=a.base)
            admin_user.admin = True
            await session.flush()
            block = await block_domain(session, actor=admin, domain=b.domain, severity="suspend")
    finally:
        await db.dispose()
    # Made by this test's own connection, as by another process: the server reads its blocks
    # again within CACHE_SECONDS (one made through the server itself empties its copy at once).
    from madang.moderation.domain_blocks import CACHE_SECONDS

    time.sleep(CACHE_SECONDS + 0.5)
    erin, erin_name = await user(b)
    resolve(erin, f"{carol_name}@{a.domain}")  # b can still read a's public actor
    erin.status_post(f"@{carol_name}@{a.domain} 안녕하세요")
    time.sleep(3)
    assert not [n for n in carol.notifications() if n["type"] == "mention"]
    db = Database(a.database_url)
    try:
        async with db.read() as session:
            assert await session.scalar(select(Account.id).where(Account.acct_key == f"{erin_name}@{b.domain}".lower())) is None
            assert await session.scalar(select(Follow.id).join(Account, Account.id == Follow.target_account_id)
                                        .where(Account.domain == b.domain)) is None
        async with db.write() as session:  # lifted again, for whatever runs after
            await unblock_domain(session, actor=admin, block_id=block.id)
    finally:
        await db.dispose()


# ---------------------------------------------------------------- reach, pins, forwarding (decision 0042)

def _gone(client: Any, status_id: str) -> bool:
    try:
        client.status(status_id)
    except Exception:  # noqa: BLE001 - Mastodon.py raises MastodonNotFoundError
        return True
    return False


async def test_pins_cross_as_add_and_remove_and_a_deletion_reaches_who_boosted_it(
        pair: tuple[Server, Server]) -> None:
    a, b = pair
    alice, _ = await user(a)
    bob, bob_name = await user(b)
    remote_bob = resolve(alice, f"{bob_name}@{b.domain}")
    alice.account_follow(remote_bob["id"])
    wait_for(lambda: alice.account_relationships(remote_bob["id"])[0]["following"], what="b's Accept")

    # A pin on b is an Add to bob's featured collection: a shows it among bob's pinned posts.
    notice = bob.status_post("고정 공지: 평촌 도서관 운영 시간 #도서관")
    wait_for(lambda: in_home(alice, notice["uri"]), what="the notice on a")
    bob.status_pin(notice["id"])
    wait_for(lambda: [s["uri"] for s in alice.account_statuses(remote_bob["id"], pinned=True)] == [notice["uri"]],
             what="the pin on a")
    bob.status_unpin(notice["id"])
    wait_for(lambda: alice.account_statuses(remote_bob["id"], pinned=True) == [], what="the unpin on a")

    # dan on a has no followers anywhere; carol on b finds his post by its URL, likes and boosts it.
    # His deletion reaches b all the same: b's server saw the post.
    dan, _ = await user(a)
    carol, _ = await user(b)
    lonely = dan.status_post("팔로워 없는 시민의 글")
    seen = wait_for(lambda: carol.search_v2(lonely["uri"], resolve=True, result_type="statuses")["statuses"],
                    what="dan's post found from b")[0]
    carol.status_favourite(seen["id"])
    carol.status_reblog(seen["id"])
    wait_for(lambda: (s := dan.status(lonely["id"]))["favourites_count"] == 1 and s["reblogs_count"] == 1,
             what="the Like and the Announce on a")
    dan.status_delete(lonely["id"])
    wait_for(lambda: _gone(carol, seen["id"]), what="the deletion on b")

