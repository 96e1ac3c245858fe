"""madang and GoToSocial federating in the TLS lab, both directions, through the clients people use:
Mastodon.py against each server's own API. madang is https://madang-a.test (SQLite), GoToSocial
https://gts.test. Every wait is bounded; GoToSocial delivers from its own queue, madang from jobs.

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
