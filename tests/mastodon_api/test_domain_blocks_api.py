"""Domain blocks through Mastodon's API on a real server (SQLite and PostgreSQL), driven with
Mastodon.py: the admin API, the public list of moderated servers, each user's own blocks,
refusals, and a suspension that severs follows with remote accounts made in the database."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError
from sqlalchemy import func, select, update

from madang.core.clock import utcnow
from madang.accounts.follows import create_follow
from madang.models import Account, DomainBlock, Follow, User
from tests.auth.helpers import run_db
from tests.mastodon_api.clients import assert_json_error, auth, client, register

ADMIN_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"]


_db = run_db  # one write unit on a database the server also uses


def _admin(base: str, url: str, name: str = "city_admin", *, make_admin: bool = True) -> Mastodon:
    """An account whose app and token hold the admin scopes; made an admin in the database, as
    `madang accounts create --admin` would."""
    app = Mastodon.create_app("마당 관리", api_base_url=base, scopes=ADMIN_SCOPES,
                              redirect_uris=["urn:ietf:wg:oauth:2.0:oob"])
    api = client(base, app)
    api.create_account(name, "비밀번호는길게1234", f"{name}@example.kr", agreement=True, locale="ko",
                       scopes=ADMIN_SCOPES)
    if make_admin:
        async def promote(s):  # type: ignore[no-untyped-def]
            account_id = select(Account.id).where(Account.username == name).scalar_subquery()
            await s.execute(update(User).where(User.account_id == account_id).values(admin=True))
        _db(url, promote)
    return api


def _count_blocks(url: str) -> int:
    return _db(url, lambda s: s.scalar(select(func.count()).select_from(DomainBlock)))


def test_admins_keep_domain_blocks_with_mastodon_py(server: str, database_url: str) -> None:
    admin = _admin(server, database_url)
    block = admin.admin_create_domain_block("Spam.Example", severity="suspend", public_comment="스팸을 보내는 서버",
                                            private_comment="신고 3건", obfuscate=True, reject_reports=True)
    assert block["domain"] == "spam.example" and block["severity"] == "suspend" and isinstance(block["id"], str)
    assert block["digest"] == hashlib.sha256(b"spam.example").hexdigest()
    assert (block["reject_media"], block["reject_reports"], block["obfuscate"]) == (False, True, True)
    assert (block["public_comment"], block["private_comment"]) == ("스팸을 보내는 서버", "신고 3건")
    assert block["created_at"] is not None
    assert admin.admin_domain_blocks(id=block["id"])["domain"] == "spam.example"
    # A PUT changes what it names and keeps the rest.
    changed = admin.admin_update_domain_block(block["id"], severity="silence", reject_media=True)
    assert (changed["severity"], changed["reject_media"], changed["reject_reports"]) == ("silence", True, True)
    assert changed["private_comment"] == "신고 3건"
    # Defaults as Mastodon's: silence, nothing rejected, comments null.
    plain = admin.admin_create_domain_block("한국.kr")
    assert (plain["domain"], plain["severity"], plain["public_comment"]) == ("xn--3e0b707e.kr", "silence", None)
    with pytest.raises(MastodonAPIError) as twice:
        admin.admin_create_domain_block("spam.example", severity="suspend")
    assert twice.value.args[1] == 422 and "already blocked" in str(twice.value)

    # Pages with Link headers, newest first.
    admin.admin_create_domain_block("third.example", severity="noop", reject_media=True)
    assert [b["domain"] for b in admin.admin_domain_blocks()] == ["third.example", "xn--3e0b707e.kr", "spam.example"]
    # (Mastodon.py 2 drops admin_domain_blocks' limit, so the page size is asked for directly.)
    first = httpx.get(f"{server}/api/v1/admin/domain_blocks?limit=2", headers=auth(admin.access_token))
    assert [b["domain"] for b in first.json()] == ["third.example", "xn--3e0b707e.kr"]
    next_url = first.headers["link"].split(">", 1)[0].lstrip("<")
    assert 'rel="next"' in first.headers["link"] and "max_id=" in next_url
    rest = httpx.get(next_url, headers=auth(admin.access_token))
    assert [b["domain"] for b in rest.json()] == ["spam.example"]

    # Everyone sees the silenced and suspended ones (obfuscated where asked), not noop or private comments.
    public = httpx.get(f"{server}/api/v1/instance/domain_blocks")
    assert public.status_code == 200 and public.headers["cache-control"].startswith("public")
    by_digest = {b["digest"]: b for b in public.json()}
    assert set(by_digest) == {hashlib.sha256(d.encode()).hexdigest() for d in ("spam.example", "xn--3e0b707e.kr")}
    spam = by_digest[hashlib.sha256(b"spam.example").hexdigest()]
    assert spam == {"domain": "spam.****ple", "digest": spam["digest"], "severity": "silence",
                    "comment": "스팸을 보내는 서버"}
    assert "신고 3건" not in public.text
    assert [b["domain"] for b in admin.instance_domain_blocks()] == [b["domain"] for b in public.json()]

    admin.admin_delete_domain_block(block["id"])
    assert [b["domain"] for b in admin.admin_domain_blocks()] == ["third.example", "xn--3e0b707e.kr"]
    with pytest.raises(MastodonAPIError) as gone:
        admin.admin_domain_blocks(id=block["id"])
    assert gone.value.args[1] == 404
    assert _count_blocks(database_url) == 2


def test_bad_input_gets_a_4xx_and_changes_nothing(server: str, database_url: str) -> None:
    admin = _admin(server, database_url)
    token = {"Authorization": f"Bearer {admin.access_token}"}
    for body in ({"domain": ""}, {}, {"domain": "http://x"}, {"domain": "a" * 300 + ".example"},
                 {"domain": "spam.example", "severity": "ban"}, {"domain": "spam.example", "obfuscate": "maybe"},
                 {"domain": "spam.example", "public_comment": "가" * 2001}, {"domain": ["a.example"]},
                 {"domain": "127.0.0.1"}, {"domain": "*.spam.example"}):
        answer = httpx.post(f"{server}/api/v1/admin/domain_blocks", json=body, headers=token)
        message = assert_json_error(answer, 422)
        assert message.startswith("Validation failed"), message
    blocked = admin.admin_create_domain_block("spam.example")
    for bad in ({"severity": "ban"}, {"public_comment": "가" * 2001}):
        assert_json_error(httpx.put(f"{server}/api/v1/admin/domain_blocks/{blocked['id']}", json=bad, headers=token),
                          422)
    assert_json_error(httpx.put(f"{server}/api/v1/admin/domain_blocks/12345", json={"severity": "noop"},
                                headers=token), 404)
    assert_json_error(httpx.delete(f"{server}/api/v1/admin/domain_blocks/nope", headers=token), 404)
    assert admin.admin_domain_blocks(id=blocked["id"])["severity"] == "silence"
    assert _count_blocks(database_url) == 1


def test_non_admins_are_refused_with_mastodons_error(server: str, database_url: str) -> None:
    admin = _admin(server, database_url)
    block = admin.admin_create_domain_block("spam.example", severity="suspend")
    citizen = _admin(server, database_url, "citizen", make_admin=False)  # admin scopes, not an admin
    for call in (lambda: citizen.admin_domain_blocks(), lambda: citizen.admin_domain_blocks(id=block["id"]),
                 lambda: citizen.admin_create_domain_block("other.example"),
                 lambda: citizen.admin_update_domain_block(block["id"], severity="noop"),
                 lambda: citizen.admin_delete_domain_block(block["id"])):
        with pytest.raises(MastodonAPIError) as refused:
            call()
        assert refused.value.args[1] == 403
    answer = httpx.get(f"{server}/api/v1/admin/domain_blocks", headers=auth(citizen.access_token))
    assert assert_json_error(answer, 403) == "This action is allowed to administrators only"
    # An admin's token without the admin scopes is refused too; no token is a 401.
    plain_api, _, _ = register(server, _app(server), "plain")
    _db(database_url, lambda s: s.execute(update(User).values(admin=True)))
    outside = httpx.get(f"{server}/api/v1/admin/domain_blocks", headers=auth(plain_api.access_token))
    assert assert_json_error(outside, 403) == "This action is outside the authorized scopes"
    assert_json_error(httpx.post(f"{server}/api/v1/admin/domain_blocks", data={"domain": "x.example"}), 401)
    assert _count_blocks(database_url) == 1
    assert admin.admin_domain_blocks(id=block["id"])["severity"] == "suspend"


def _app(base: str) -> tuple[str, str]:
    return Mastodon.create_app("마당 테스트", api_base_url=base, scopes=["read", "write", "follow", "push"],
                               redirect_uris=["urn:ietf:wg:oauth:2.0:oob"])


def test_the_public_list_is_shown_as_the_instance_setting_says(server: str, database_url: str) -> None:
    admin = _admin(server, database_url)
    admin.admin_create_domain_block("spam.example", severity="suspend")

    def show(value: str) -> Any:
        async def put(s):  # type: ignore[no-untyped-def]
            from madang.moderation.domain_blocks import set_public_list_visibility
            actor = await s.scalar(select(Account).where(Account.username == "city_admin"))
            await set_public_list_visibility(s, actor=actor, value=value)
        return _db(database_url, put)

    show("users")
    assert_json_error(httpx.get(f"{server}/api/v1/instance/domain_blocks"), 404)
    signed = httpx.get(f"{server}/api/v1/instance/domain_blocks", headers=auth(admin.access_token))
    assert signed.status_code == 200 and signed.json()[0]["domain"] == "spam.example"
    assert "public" not in signed.headers["cache-control"]
    show("disabled")
    assert_json_error(httpx.get(f"{server}/api/v1/instance/domain_blocks", headers=auth(admin.access_token)), 404)


def test_a_user_blocks_domains_for_themselves(server: str, database_url: str) -> None:
    api, username, _ = register(server, _app(server), "citizen")
    api.domain_block("Noisy.Example")
    api.domain_block("noisy.example")  # twice is fine, as on Mastodon
    api.domain_block("한국.kr")
    api.domain_block("third.example")
    assert api.domain_blocks() == ["third.example", "xn--3e0b707e.kr", "noisy.example"]
    page = api.domain_blocks(limit=2)
    assert list(page) == ["third.example", "xn--3e0b707e.kr"]
    assert api.fetch_next(page) == ["noisy.example"]
    raw = httpx.get(f"{server}/api/v1/domain_blocks?limit=1", headers=auth(api.access_token))
    assert 'rel="next"' in raw.headers["link"] and raw.json() == ["third.example"]
    token = auth(api.access_token)
    for bad in ({"domain": ""}, {}, {"domain": "http://x"}, {"domain": "a" * 300 + ".example"}):
        assert_json_error(httpx.post(f"{server}/api/v1/domain_blocks", json=bad, headers=token), 422)
        assert_json_error(httpx.request("DELETE", f"{server}/api/v1/domain_blocks", json=bad, headers=token), 422)
    assert_json_error(httpx.post(f"{server}/api/v1/domain_blocks", data={"domain": "x.example"}), 401)
    api.domain_unblock("NOISY.example")
    api.domain_unblock("never-blocked.example")  # nothing to remove is fine too
    assert api.domain_blocks() == ["third.example", "xn--3e0b707e.kr"]
    # Each user's list is their own.
    other, _, _ = register(server, _app(server), "neighbour")
    assert other.domain_blocks() == []


def _remote_follows(url: str, local: list[str]) -> dict[str, int]:
    """Remote accounts as federation stores them, following and followed by local ones."""
    async def work(s):  # type: ignore[no-untyped-def]
        now = utcnow()
        ids = {}
        for username, domain in [("spammer", "spam.example"), ("bot", "m.spam.example"), ("friend", "friendly.example")]:
            account = Account(username=username, domain=domain, acct_key=f"{username}@{domain}", created_at=now,
                              updated_at=now, uri=f"https://{domain}/users/{username}",
                              inbox_url=f"https://{domain}/users/{username}/inbox")
            s.add(account)
            await s.flush()
            ids[username] = account.id
        locals_ = {a.username: a for a in await s.scalars(select(Account).where(Account.username.in_(local)))}
        for name in local:
            ids[name] = locals_[name].id
        for follower, target in [("citizen", "spammer"), ("spammer", "citizen"), ("bot", "citizen"),
                                 ("citizen", "friend"), ("friend", "citizen")]:
            # As the inbox stores them: a local account's follow of a remote one holds once that
            # server accepted it (create_follow), a remote account's follow of a local one at once.
            await create_follow(s, follower=await s.get(Account, ids[follower]),
                                target=await s.get(Account, ids[target]), show_reblogs=True, notify=False)
        return ids
    return _db(url, work)


async def _pairs(s) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(a, b) for a, b in await s.execute(select(Follow.account_id, Follow.target_account_id))]


def test_suspending_a_domain_severs_its_follows_and_a_user_block_removes_its_followers(
        server: str, database_url: str) -> None:
    admin = _admin(server, database_url)
    citizen, _, _ = register(server, _app(server), "citizen")
    ids = _remote_follows(database_url, ["citizen"])
    me = citizen.me()
    assert (me["followers_count"], me["following_count"]) == (3, 2)

    admin.admin_create_domain_block("spam.example", severity="suspend")
    pairs = {(a, b) for a, b in _db(database_url, _pairs)}
    assert pairs == {(ids["citizen"], ids["friend"]), (ids["friend"], ids["citizen"])}
    me = citizen.me()
    assert (me["followers_count"], me["following_count"]) == (1, 1)
    [relation] = citizen.account_relationships(ids["spammer"])
    assert not relation["following"] and not relation["followed_by"]

    # A user's own block of friendly.example removes their follower there (not whom they follow).
    citizen.domain_block("friendly.example")
    pairs = {(a, b) for a, b in _db(database_url, _pairs)}
    assert pairs == {(ids["citizen"], ids["friend"])}
    assert citizen.me()["followers_count"] == 0
