"""madang and GoToSocial federating in the TLS lab, both directions, through the clients people use:
Mastodon.py against each server's own API. madang is https://madang-a.test (SQLite), GoToSocial
https://gts.test. The journeys: follows (unlocked and locked), a Hangul hashtag, mentions and
replies, likes, boosts, edits and deletion, a pasted post's address, photos with alt text, a
poll and its vote, followers-only posts, a 민원 from GoToSocial answered masked in public and in
full by direct message, a block, and a suspended domain. Every wait is bounded; GoToSocial
delivers from its own queue, madang from jobs.

Skips with the reason where the lab cannot run or GoToSocial is absent (tests/support/lab.py)."""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from madang.auth.tokens import issue_token
from madang.db import Database
from tests.accounts.factories import make_user
from tests.federation.conftest import LabMadang
from tests.support import lab as labs
from tests.support.lab import GoToSocial, Lab

pytestmark = pytest.mark.slow
T = TypeVar("T")
_names = itertools.count()


def wait_for(check: Callable[[], T], *, timeout: float = 45.0, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # noqa: BLE001 - the server may not have it yet
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what or check}: last {last!r}")


@pytest.fixture(scope="module")
def city(lab: Lab, gotosocial: GoToSocial, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory,
         ) -> Iterator[LabMadang]:
    """One madang-a.test for the whole module: GoToSocial marks a host that stops answering as
    bad for an hour, so the server must not go away between the journeys."""
    folder = tmp_path_factory.mktemp("madang-a")
    path = folder / "madang-a.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    domain = "madang-a.test"
    with labs.running_lab_server(url, domain, labs.HOSTS[domain], lab=lab, access_log=folder / "access.log",
                                 media_path=folder / "media") as base:
        yield LabMadang(base, domain, url, "", folder / "access.log")


def _session(lab: Lab):  # type: ignore[no-untyped-def]
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = str(lab.ca)
    return session


def gts_client(lab: Lab, gts: GoToSocial, user: str = "citizen"):  # type: ignore[no-untyped-def]
    from mastodon import Mastodon

    return Mastodon(access_token=gts.tokens[user], api_base_url=gts.base, version_check_mode="none",
                    session=_session(lab), request_timeout=60)


async def madang_user(madang: LabMadang, **fields: Any) -> tuple[str, str]:
    """A new local account on the lab's madang (a fresh actor each time) and a token for it."""
    username = f"fed{next(_names)}{int(time.time()) % 100000}"
    db = Database(madang.database_url)
    try:
        async with db.write() as session:
            account, _user = await make_user(session, username=username, base_url=madang.base, **fields)
            issued = await issue_token(session, application=None, account=account,
                                       scopes=["read", "write", "follow", "push"])
    finally:
        await db.dispose()
    return username, issued.token


def madang_client(lab: Lab, madang: LabMadang, token: str):  # type: ignore[no-untyped-def]
    from mastodon import Mastodon

    return Mastodon(access_token=token, api_base_url=madang.base, version_check_mode="none",
                    session=_session(lab), request_timeout=60)


def _resolve(client: Any, acct: str) -> dict:
    def found() -> dict | None:
        accounts = client.search_v2(f"@{acct}", resolve=True, result_type="accounts")["accounts"]
        return next((a for a in accounts if a["acct"].lower() == acct.lower()), None)
    return wait_for(found, timeout=30, what=f"{acct} to resolve")


async def test_gotosocial_citizen_follows_a_madang_account_and_reads_replies_and_likes(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    name, token = await madang_user(city, display_name="안양시청 테스트")
    office = madang_client(lab, city, token)
    gts = gts_client(lab, gotosocial)

    # GoToSocial finds the account (WebFinger, a signed GET of the actor) and follows it.
    remote = _resolve(gts, f"{name}@{city.domain}")
    assert remote["display_name"] == "안양시청 테스트"
    gts.account_follow(remote["id"])
    wait_for(lambda: gts.account_relationships(remote["id"])[0]["following"], what="the Accept")
    wait_for(lambda: office.me()["followers_count"] == 1, what="madang to count the follower")

    # A public post with a Hangul hashtag reaches the follower's home timeline, tagged.
    post = office.status_post("평촌 도서관 휴관 안내 #안양 #도서관")
    arrived = wait_for(lambda: next((s for s in gts.timeline_home() if s["uri"] == post["uri"]), None),
                       what="the post in GoToSocial's home timeline")
    assert "평촌 도서관 휴관 안내" in arrived["content"]
    assert {t["name"] for t in arrived["tags"]} >= {"안양", "도서관"}

    # GoToSocial's citizen likes it and replies, mentioning the account: madang counts and threads.
    gts.status_favourite(arrived["id"])
    wait_for(lambda: office.status(post["id"])["favourites_count"] == 1, what="the Like")
    reply = gts.status_post(f"@{name}@{city.domain} 언제 다시 여나요?", in_reply_to_id=arrived["id"])
    notification = wait_for(lambda: next((n for n in office.notifications() if n["type"] == "mention"), None),
                            what="the mention notification")
    assert notification["account"]["acct"] == "citizen@gts.test"
    assert notification["status"]["in_reply_to_id"] == post["id"]
    assert "언제 다시 여나요" in notification["status"]["content"]
    assert notification["status"]["uri"] == reply["uri"]
    context = office.status_context(post["id"])
    assert [s["uri"] for s in context["descendants"]] == [reply["uri"]]

    # An edit goes out as an Update, a deletion as a Delete.
    office.status_update(post["id"], "평촌 도서관 휴관 안내 (수정) #안양")
    wait_for(lambda: "수정" in gts.status(arrived["id"])["content"], what="the edit at GoToSocial")
    office.status_delete(post["id"])

    def gone() -> bool:
        try:
            gts.status(arrived["id"])
        except Exception:  # noqa: BLE001 - Mastodon.py raises MastodonNotFoundError
            return True
        return False
    wait_for(gone, what="the deletion at GoToSocial")


async def test_madang_citizen_follows_a_gotosocial_account_and_gets_its_posts(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    _name, token = await madang_user(city)
    me = madang_client(lab, city, token)
    gts = gts_client(lab, gotosocial, "cityhall")

    earlier = gts.status_post("지난주 소식: 평촌 도서관 재개관")
    remote = _resolve(me, "cityhall@gts.test")
    assert remote["acct"] == "cityhall@gts.test" and remote["url"].startswith("https://gts.test/")
    # Its page here is not empty: recent public posts were read from its outbox.
    wait_for(lambda: any(s["uri"] == earlier["uri"] for s in me.account_statuses(remote["id"])),
             what="the outbox backfill")
    relationship = me.account_follow(remote["id"])
    assert relationship["requested"] or relationship["following"]  # requested until the Accept
    wait_for(lambda: me.account_relationships(remote["id"])[0]["following"], what="GoToSocial's Accept")

    posted = gts.status_post("안양천 산책로 정비 완료 #안양천")
    arrived = wait_for(lambda: next((s for s in me.timeline_home() if s["uri"] == posted["uri"]), None),
                       what="the GoToSocial post in madang's home timeline")
    assert arrived["account"]["acct"] == "cityhall@gts.test"
    assert "안양천 산책로" in arrived["content"] and [t["name"] for t in arrived["tags"]] == ["안양천"]

    me.account_unfollow(remote["id"])
    wait_for(lambda: not me.account_relationships(remote["id"])[0]["following"], what="the unfollow")


async def test_a_locked_madang_account_approves_a_gotosocial_follower(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    name, token = await madang_user(city, locked=True)
    me = madang_client(lab, city, token)
    gts = gts_client(lab, gotosocial, "u0001")

    remote = _resolve(gts, f"{name}@{city.domain}")
    assert remote["locked"] is True
    gts.account_follow(remote["id"])
    request = wait_for(lambda: me.follow_requests(), what="the follow request at madang")
    assert request[0]["acct"] == "u0001@gts.test"
    assert not gts.account_relationships(remote["id"])[0]["following"]
    me.follow_request_authorize(request[0]["id"])
    wait_for(lambda: gts.account_relationships(remote["id"])[0]["following"], what="the Accept after approval")


async def test_a_gotosocial_reply_to_a_madang_post_is_forwarded_to_the_authors_followers_elsewhere(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang, madang_b: LabMadang) -> None:
    """Three servers (decision 0042): citizen@gts.test replies to a post on madang-a; madang-a
    forwards the reply to the author's followers' servers (madang-b), which takes it only by
    fetching it from gts.test. madang-b is the conftest's (PostgreSQL), new to GoToSocial: a
    madang-a other than this module's would carry keys GoToSocial has not seen for that name."""
    author_name, author_token = await madang_user(city, display_name="안양시 도시계획과")
    author = madang_client(lab, city, author_token)
    _reader_name, reader_token = await madang_user(madang_b)
    reader = madang_client(lab, madang_b, reader_token)
    remote_author = _resolve(reader, f"{author_name}@{city.domain}")
    reader.account_follow(remote_author["id"])
    wait_for(lambda: reader.account_relationships(remote_author["id"])[0]["following"], what="madang-a's Accept")
    post = author.status_post("안양천 정비 계획에 의견 주세요")
    on_b = wait_for(lambda: next((s for s in reader.timeline_home() if s["uri"] == post["uri"]), None),
                    what="the post on madang-b")

    gts = gts_client(lab, gotosocial)
    found = wait_for(lambda: gts.search_v2(post["uri"], resolve=True, result_type="statuses")["statuses"],
                     what="the post found from GoToSocial")[0]
    reply = gts.status_post(f"@{author_name}@{city.domain} 자전거 도로도 넓혀 주세요", in_reply_to_id=found["id"],
                            visibility="public")
    wait_for(lambda: any(s["uri"] == reply["uri"] for s in author.status_context(post["id"])["descendants"]),
             what="the reply on madang-a")
    forwarded = wait_for(lambda: next((s for s in reader.status_context(on_b["id"])["descendants"]
                                       if s["uri"] == reply["uri"]), None), what="the forwarded reply on madang-b")
    assert "자전거 도로" in forwarded["content"] and forwarded["account"]["acct"] == "citizen@gts.test"


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _in_home(client: Any, uri: str) -> dict | None:
    return next((s for s in client.timeline_home(limit=40) if s["uri"] == uri), None)


async def test_madang_citizen_replies_likes_boosts_and_sends_a_photo_and_a_poll_to_gotosocial(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    name, token = await madang_user(city)
    me = madang_client(lab, city, token)
    gts = gts_client(lab, gotosocial, "u0002")

    # A GoToSocial post found here by its pasted address, then liked, boosted and answered.
    posted = gts.status_post("주말에 안양천 걷기 행사가 있어요")
    copy = wait_for(lambda: next(iter(me.search_v2(posted["uri"], resolve=True, result_type="statuses")["statuses"]),
                                 None), what="the pasted post to resolve")
    assert copy["account"]["acct"] == "u0002@gts.test" and "안양천 걷기" in copy["content"]
    me.status_favourite(copy["id"])
    me.status_reblog(copy["id"])
    reply = me.status_post("@u0002@gts.test 저도 갈게요!", in_reply_to_id=copy["id"])
    assert [m["acct"] for m in reply["mentions"]] == ["u0002@gts.test"]

    def kinds() -> set[str] | None:
        found = {n["type"] for n in gts.notifications() if n["account"]["acct"] == f"{name}@{city.domain}"}
        return found if found >= {"favourite", "reblog", "mention"} else None
    wait_for(kinds, what="GoToSocial to notify the like, the boost and the reply")
    there = gts.status(posted["id"])
    assert there["favourites_count"] == 1 and there["reblogs_count"] == 1
    assert [s["uri"] for s in gts.status_context(posted["id"])["descendants"]] == [reply["uri"]]

    # GoToSocial's user follows back; a photo with its alt text and a poll arrive there, and a
    # vote cast there is counted here.
    remote = _resolve(gts, f"{name}@{city.domain}")
    gts.account_follow(remote["id"])
    wait_for(lambda: gts.account_relationships(remote["id"])[0]["following"], what="the Accept")
    media = me.media_post(_jpeg(), mime_type="image/jpeg", description="안양천 산책로 사진")
    photo = me.status_post("산책로 사진입니다", media_ids=[media])
    arrived = wait_for(lambda: _in_home(gts, photo["uri"]), what="the photo post at GoToSocial")
    assert [a["description"] for a in arrived["media_attachments"]] == ["안양천 산책로 사진"]
    asked = me.status_post("회의는 언제가 좋을까요?", poll=me.make_poll(["월요일", "화요일"], expires_in=3600))
    question = wait_for(lambda: _in_home(gts, asked["uri"]), what="the poll at GoToSocial")
    assert [o["title"] for o in question["poll"]["options"]] == ["월요일", "화요일"]
    gts.poll_vote(question["poll"]["id"], [1])
    wait_for(lambda: me.status(asked["id"])["poll"]["options"][1]["votes_count"] == 1, what="the vote here")


async def test_a_gotosocial_citizens_photo_and_followers_only_post_reach_only_followers_here(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    _name, token = await madang_user(city)
    follower = madang_client(lab, city, token)
    _other, other_token = await madang_user(city)
    stranger = madang_client(lab, city, other_token)
    gts = gts_client(lab, gotosocial, "cityhall")

    remote = _resolve(follower, "cityhall@gts.test")
    follower.account_follow(remote["id"])
    wait_for(lambda: follower.account_relationships(remote["id"])[0]["following"], what="GoToSocial's Accept")
    media = wait_for(lambda: gts.media_post(_jpeg(), mime_type="image/jpeg", description="새로 단장한 도서관"),
                     what="GoToSocial to take the photo")
    photo = gts.status_post("평촌 도서관 재개관 사진", media_ids=[media])
    arrived = wait_for(lambda: _in_home(follower, photo["uri"]), what="the photo post here")
    attachment = arrived["media_attachments"][0]
    assert attachment["description"] == "새로 단장한 도서관" and attachment["type"] == "image"
    quiet = gts.status_post("팔로워에게만 알리는 소식", visibility="private")
    got = wait_for(lambda: _in_home(follower, quiet["uri"]), what="the followers-only post here")
    assert got["visibility"] == "private"
    assert stranger.search_v2(quiet["uri"], resolve=False, result_type="statuses")["statuses"] == []
    assert all(s["uri"] != quiet["uri"] for s in stranger.account_statuses(remote["id"]))


async def test_a_gotosocial_citizens_minwon_becomes_a_case_answered_in_public_masked_and_in_full_by_dm(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    """A citizen on GoToSocial asks the city publicly and leaves a phone number; the desk takes it
    in, answers with a phone number of its own: the public reply reaches GoToSocial masked, the
    full answer by direct message (as for a local citizen, 민원처리법 제7조)."""
    from sqlalchemy import select

    from madang.desk.answers import answer_case
    from madang.desk.inbox import triage_to_case
    from madang.desk.organisations import add_department, add_staff
    from madang.models import Account, InboxItem
    from madang.statuses.create import Site

    city_name, _token = await madang_user(city, organisation=True, display_name="안양시청")
    db = Database(city.database_url)
    try:
        async with db.write() as session:
            org = await session.scalar(select(Account).where(Account.acct_key == city_name.lower()))
            staff, _ = await make_user(session, username=f"staff{next(_names)}{int(time.time()) % 100000}",
                                       base_url=city.base)
            department = await add_department(session, organisation=org, name="도로", code="roads")
            await add_staff(session, organisation=org, account=staff, role="office_admin")
    finally:
        await db.dispose()

    gts = gts_client(lab, gotosocial, "u0001")
    _resolve(gts, f"{city_name}@{city.domain}")
    question = gts.status_post(f"@{city_name}@{city.domain} 범계역 앞 보도블록이 깨졌어요. 010-9876-5432로 연락 주세요")

    async def taken_in() -> InboxItem | None:
        db = Database(city.database_url)
        try:
            async with db.read() as session:
                return await session.scalar(select(InboxItem).where(InboxItem.organisation_id == org.id))
        finally:
            await db.dispose()

    deadline = time.monotonic() + 45
    item = await taken_in()
    while item is None and time.monotonic() < deadline:
        time.sleep(0.5)
        item = await taken_in()
    assert item is not None, "the GoToSocial mention never reached the desk"
    db = Database(city.database_url)
    try:
        async with db.write() as session:
            site = Site(base_url=city.base, domain=city.domain)
            case = await triage_to_case(session, site=site, organisation=org, item_id=item.id, staff=staff,
                                        kind="grievance", department=department)
            await answer_case(session, site=site, organisation=org, case_id=case.id, staff=staff,
                              text="확인했습니다. 담당자 010-1234-5678 로 연락드리겠습니다.")
    finally:
        await db.dispose()

    def answers() -> tuple[dict, dict] | None:
        mine = [n["status"] for n in gts.notifications()
                if n["type"] == "mention" and n["account"]["acct"] == f"{city_name}@{city.domain}"]
        public = next((s for s in mine if s["visibility"] == "public"), None)
        direct = next((s for s in mine if s["visibility"] == "direct" and "확인했습니다" in s["content"]), None)
        return (public, direct) if public and direct else None
    public, direct = wait_for(answers, what="the public reply and the direct message at GoToSocial")
    assert public["in_reply_to_id"] == question["id"] and "확인했습니다" in public["content"]
    assert "010-1234-5678" not in public["content"] and "010-9876-5432" not in public["content"]
    assert "010-1234-5678" in direct["content"]
    # The receipt with the case number came by direct message too, as to a local citizen.
    assert any("[민원 " in n["status"]["content"] and n["status"]["visibility"] == "direct"
               for n in gts.notifications() if n["type"] == "mention")


async def test_a_block_from_gotosocial_ends_a_follow_and_a_suspended_gotosocial_is_cut_off(
        lab: Lab, gotosocial: GoToSocial, city: LabMadang) -> None:
    """Last in the module: it suspends gts.test here for a moment (and lifts it)."""
    from sqlalchemy import select

    from madang.models import Account, Follow
    from madang.moderation.domain_blocks import CACHE_SECONDS, block_domain, unblock_domain

    name, token = await madang_user(city)
    me = madang_client(lab, city, token)
    gts = gts_client(lab, gotosocial, "admin")
    remote = _resolve(me, "admin@gts.test")
    me.account_follow(remote["id"])
    wait_for(lambda: me.account_relationships(remote["id"])[0]["following"], what="GoToSocial's Accept")
    gts.account_block(_resolve(gts, f"{name}@{city.domain}")["id"])
    wait_for(lambda: not me.account_relationships(remote["id"])[0]["following"], what="the Block to end the follow")

    db = Database(city.database_url)
    try:
        async with db.write() as session:
            admin, admin_user = await make_user(session, username=f"admin{next(_names)}{int(time.time()) % 100000}",
                                                base_url=city.base)
            admin_user.admin = True
            await session.flush()
            block = await block_domain(session, actor=admin, domain="gts.test", severity="suspend")
    finally:
        await db.dispose()
    time.sleep(CACHE_SECONDS + 0.5)  # made by this process, as by another one: seen within CACHE_SECONDS
    try:
        citizen = gts_client(lab, gotosocial, "citizen")
        target = _resolve(citizen, f"{name}@{city.domain}")  # GoToSocial still knows the account
        citizen.status_post(f"@{name}@{city.domain} 들리시나요?")
        time.sleep(3)
        assert not [n for n in me.notifications() if n["type"] == "mention"]
        assert target["acct"] == f"{name}@{city.domain}"
        db = Database(city.database_url)
        try:
            async with db.read() as session:
                assert await session.scalar(select(Follow.id).join(Account, Account.id == Follow.account_id)
                                            .where(Account.domain == "gts.test")) is None
        finally:
            await db.dispose()
    finally:
        db = Database(city.database_url)
        try:
            async with db.write() as session:
                await unblock_domain(session, actor=admin, block_id=block.id)
        finally:
            await db.dispose()
