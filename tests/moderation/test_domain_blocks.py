"""Domain blocks on both databases: the instance's (admins only, in the audit log; a suspension
severs follows both ways and hides the domain's accounts; subdomains covered) and each account's
own (its followers from that domain removed; a clause the timelines can use)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select, update

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.db import Database
from madang.db.paging import Page
from madang.models import Account, DomainBlock, Follow, FollowRequest, HomeFeedEntry, Status, User
from madang.moderation import account_domain_blocks as own_blocks
from madang.moderation import domain_blocks as blocks
from madang.moderation import list_actions
from tests.accounts.factories import add_to_home_feeds
from tests.factories import follow, make_account, reload


async def _admin(s, name: str = "city_admin") -> Account:  # type: ignore[no-untyped-def]
    account = await make_account(s, username=name)
    await s.execute(update(User).where(User.account_id == account.id).values(admin=True))
    return account


async def _remote(s, username: str, domain: str) -> Account:  # type: ignore[no-untyped-def]
    """A remote account as federation stores it: a row with its domain and actor id."""
    now = utcnow()
    account = Account(username=username, domain=domain, acct_key=f"{username}@{domain}".lower(),
                      uri=f"https://{domain}/users/{username}", url=f"https://{domain}/@{username}",
                      inbox_url=f"https://{domain}/users/{username}/inbox", created_at=now, updated_at=now)
    s.add(account)
    await s.flush()
    return account


async def _log(db: Database) -> list[tuple[str, dict]]:
    async with db.read() as s:
        rows = await list_actions(s, page=Page(limit=100))
    return [(r.row.action, r.row.details) for r in reversed(rows)]


async def _follows(db: Database) -> set[tuple[int, int]]:
    async with db.read() as s:
        return {(a, b) for a, b in await s.execute(select(Follow.account_id, Follow.target_account_id))}


@pytest.mark.parametrize(("given", "kept"), [
    ("example.com", "example.com"), ("  Spam.Example. ", "spam.example"), ("한국.kr", "xn--3e0b707e.kr"),
    ("XN--3E0B707E.KR", "xn--3e0b707e.kr"), ("Bücher.Example", "xn--bcher-kva.example"),
    ("a.b.c.example", "a.b.c.example"),
])
def test_domains_are_kept_lower_case_and_in_ascii(given: str, kept: str) -> None:
    assert blocks.normalise_domain(given) == kept
    assert blocks.display_domain(blocks.normalise_domain("한국.kr")) == "한국.kr"


@pytest.mark.parametrize("bad", [
    "", "   ", None, 42, "http://x", "https://spam.example/", "spam.example/path", "user@spam.example",
    "*.spam.example", "spam.example:8443", "localhost", "127.0.0.1", "-bad.example", "a..example",
    "a" * 64 + ".example", ("a" * 60 + ".") * 5 + "example", "spam example.com", "a_b.example",
])
def test_what_is_not_a_domain_is_refused_with_a_reason(bad: object) -> None:
    with pytest.raises(Invalid) as refused:
        blocks.normalise_domain(bad)
    assert refused.value.field == "domain" and refused.value.message.startswith("Domain")


def test_obfuscation_stars_the_middle_as_mastodon_does() -> None:
    assert blocks.obfuscated("dajiaoshou.com") == "daji******.com"  # Mastodon's documented example
    assert blocks.obfuscated("a.bc") == "a.*c"
    assert blocks.domain_digest("example.com") == hashlib.sha256(b"example.com").hexdigest()


async def test_suspending_a_domain_severs_follows_both_ways_and_hides_its_accounts(db: Database) -> None:
    async with db.write() as s:
        admin, citizen, other = await _admin(s), await make_account(s, username="citizen"), \
            await make_account(s, username="other")
        spammer, sub_spammer = await _remote(s, "spammer", "spam.example"), await _remote(s, "bot", "a.spam.example")
        friend = await _remote(s, "friend", "friendly.example")
        near_miss = await _remote(s, "nearmiss", "notspam.example")  # a suffix, not a subdomain
        for a, b in [(citizen, spammer), (spammer, citizen), (sub_spammer, other), (citizen, friend),
                     (citizen, near_miss), (other, citizen)]:
            await follow(s, a, b)
        s.add(FollowRequest(account_id=sub_spammer.id, target_account_id=citizen.id, created_at=utcnow()))
        spam_post = await add_to_home_feeds(s, author=spammer, owners=[citizen])
        friend_post = await add_to_home_feeds(s, author=friend, owners=[citizen])
        ids = {n: a.id for n, a in [("admin", admin), ("citizen", citizen), ("other", other), ("spammer", spammer),
                                    ("sub", sub_spammer), ("friend", friend), ("near", near_miss)]}
    async with db.write() as s:
        block = await blocks.block_domain(s, actor=await s.get(Account, ids["admin"]), domain="Spam.Example",
                                          severity="suspend", public_comment="스팸 서버", private_comment="신고 3건",
                                          local_domain="madang.test")
        assert block.domain == "spam.example"
    assert await _follows(db) == {(ids["citizen"], ids["friend"]), (ids["citizen"], ids["near"]),
                                  (ids["other"], ids["citizen"])}
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(FollowRequest)) == 0
        assert {e for e, in await s.execute(select(HomeFeedEntry.status_id))} == {friend_post.id}
        citizen_now = await s.get(Account, ids["citizen"])
        assert (citizen_now.following_count, citizen_now.followers_count) == (2, 1)  # counts follow the rows
        assert await blocks.is_domain_suspended(s, "spam.example")
        assert await blocks.is_domain_suspended(s, "deep.a.spam.example")  # subdomains are covered
        assert await blocks.is_domain_suspended(s, "SPAM.example:443")
        assert not await blocks.is_domain_suspended(s, "notspam.example")
        assert not await blocks.is_domain_suspended(s, "friendly.example") and not await blocks.is_domain_suspended(s, None)
        assert (await blocks.domain_block_for(s, "x.a.spam.example")).id == block.id  # type: ignore[union-attr]
    for key in ("spammer", "sub"):
        assert (await reload(db, Account, ids[key])).suspended_at is not None
    assert (await reload(db, Account, ids["near"])).suspended_at is None
    [(action, details)] = await _log(db)
    assert action == "block_domain" and details["domain"] == "spam.example" and details["severity"] == "suspend"
    assert (await reload(db, Status, spam_post.id)).deleted_at is None  # kept: an unblock brings it back

    # Lifting the block lifts the suspension it imposed; the severed follows stay severed.
    async with db.write() as s:
        assert await blocks.unblock_domain(s, actor=await s.get(Account, ids["admin"]), block_id=block.id) \
            == "spam.example"
    assert (await reload(db, Account, ids["spammer"])).suspended_at is None
    assert (ids["citizen"], ids["spammer"]) not in await _follows(db)
    assert [a for a, _ in await _log(db)] == ["block_domain", "unblock_domain"]
    async with db.read() as s:
        assert not await blocks.is_domain_suspended(s, "spam.example")


async def test_a_remote_account_suspended_by_hand_stays_suspended_when_the_domain_block_goes(db: Database) -> None:
    async with db.write() as s:
        admin = await _admin(s)
        troll = await _remote(s, "troll", "spam.example")
        troll.suspended_at = earlier = utcnow()
        ids = admin.id, troll.id
    async with db.write() as s:
        block = await blocks.block_domain(s, actor=await s.get(Account, ids[0]), domain="spam.example",
                                          severity="suspend")
    async with db.write() as s:
        await blocks.unblock_domain(s, actor=await s.get(Account, ids[0]), block_id=block.id)
    assert (await reload(db, Account, ids[1])).suspended_at == earlier


async def test_silence_limits_the_domain_and_changing_severity_moves_the_marks(db: Database) -> None:
    async with db.write() as s:
        admin, citizen = await _admin(s), await make_account(s, username="citizen")
        loud = await _remote(s, "loud", "loud.example")
        await follow(s, citizen, loud)
        ids = admin.id, citizen.id, loud.id
    async with db.write() as s:
        block = await blocks.block_domain(s, actor=await s.get(Account, ids[0]), domain="loud.example")
        assert block.severity == "silence"  # Mastodon's default
    loud_now = await reload(db, Account, ids[2])
    assert loud_now.limited_at is not None and loud_now.suspended_at is None
    assert (ids[1], ids[2]) in await _follows(db)  # a silence keeps follows
    async with db.write() as s:
        await blocks.update_domain_block(s, actor=await s.get(Account, ids[0]), block_id=block.id,
                                         severity="suspend", reject_media=True, public_comment="광고")
    loud_now = await reload(db, Account, ids[2])
    assert loud_now.limited_at is None and loud_now.suspended_at is not None
    assert (ids[1], ids[2]) not in await _follows(db)
    async with db.write() as s:
        updated = await blocks.update_domain_block(s, actor=await s.get(Account, ids[0]), block_id=block.id,
                                                   severity="noop")
        assert (updated.severity, updated.reject_media, updated.public_comment) == ("noop", True, "광고")
    loud_now = await reload(db, Account, ids[2])
    assert loud_now.limited_at is None and loud_now.suspended_at is None
    log = await _log(db)
    assert [a for a, _ in log] == ["block_domain", "update_domain_block", "update_domain_block"]
    assert log[1][1]["severity_before"] == "silence" and log[1][1]["severity"] == "suspend"


async def test_only_admins_block_and_bad_input_changes_nothing(db: Database) -> None:
    async with db.write() as s:
        admin, citizen = await _admin(s), await make_account(s, username="citizen")
        ids = admin.id, citizen.id
    async with db.write() as s:
        with pytest.raises(Forbidden):
            await blocks.block_domain(s, actor=await s.get(Account, ids[1]), domain="spam.example")
        with pytest.raises(Forbidden):
            await blocks.list_domain_blocks(s, actor=await s.get(Account, ids[1]))
        with pytest.raises(Forbidden):
            await blocks.set_public_list_visibility(s, actor=await s.get(Account, ids[1]), value="disabled")
    admin_of = lambda s: s.get(Account, ids[0])  # noqa: E731
    for kwargs, error in [({"domain": ""}, Invalid), ({"domain": "http://x"}, Invalid),
                          ({"domain": "a" * 250 + ".example"}, Invalid), ({"domain": "madang.test"}, Invalid),
                          ({"domain": "spam.example", "severity": "ban"}, Invalid),
                          ({"domain": "spam.example", "public_comment": "가" * 2001}, Invalid)]:
        async with db.write() as s:
            with pytest.raises(error):
                await blocks.block_domain(s, actor=await admin_of(s), local_domain="madang.test", **kwargs)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(DomainBlock)) == 0
    assert await _log(db) == []
    async with db.write() as s:
        block = await blocks.block_domain(s, actor=await admin_of(s), domain="spam.example", severity="suspend")
    async with db.write() as s:
        with pytest.raises(Conflict):
            await blocks.block_domain(s, actor=await admin_of(s), domain="SPAM.example")
        with pytest.raises(Conflict):  # the parent's suspension already covers it
            await blocks.block_domain(s, actor=await admin_of(s), domain="a.spam.example", severity="silence")
        with pytest.raises(NotFound):
            await blocks.update_domain_block(s, actor=await admin_of(s), block_id=block.id + 1, severity="noop")
        with pytest.raises(Invalid):
            await blocks.update_domain_block(s, actor=await admin_of(s), block_id=block.id, severity="")
    async with db.write() as s:  # a stricter block of a subdomain under a silence is allowed
        await blocks.update_domain_block(s, actor=await admin_of(s), block_id=block.id, severity="silence")
        sub = await blocks.block_domain(s, actor=await admin_of(s), domain="a.spam.example", severity="suspend")
    async with db.read() as s:
        assert (await blocks.domain_block_for(s, "x.a.spam.example")).id == sub.id  # type: ignore[union-attr]
        assert (await blocks.domain_block_for(s, "b.spam.example")).id == block.id  # type: ignore[union-attr]
        assert [b.domain for b in await blocks.list_domain_blocks(s, actor=await admin_of(s))] == \
            ["a.spam.example", "spam.example"]


async def test_the_public_list_follows_the_visibility_setting(db: Database) -> None:
    async with db.write() as s:
        admin = await _admin(s)
        for domain, severity, obfuscate in [("dajiaoshou.com", "suspend", True), ("loud.example", "silence", False),
                                            ("quiet.example", "noop", False)]:
            await blocks.block_domain(s, actor=admin, domain=domain, severity=severity, obfuscate=obfuscate,
                                      public_comment=f"{domain} 사유", private_comment="비공개 메모")
        admin_id = admin.id
    async with db.read() as s:
        assert await blocks.public_list_visibility(s) == "all"
        listed = await blocks.list_public_domain_blocks(s, signed_in=False)
    assert listed is not None
    assert [(b.domain, b.severity, b.comment) for b in listed] == [
        ("loud.example", "silence", "loud.example 사유"), ("daji******.com", "suspend", "dajiaoshou.com 사유")]
    assert listed[1].digest == hashlib.sha256(b"dajiaoshou.com").hexdigest()
    async with db.write() as s:
        await blocks.set_public_list_visibility(s, actor=await s.get(Account, admin_id), value="users")
    async with db.read() as s:
        assert await blocks.list_public_domain_blocks(s, signed_in=False) is None
        assert len(await blocks.list_public_domain_blocks(s, signed_in=True) or []) == 2
    async with db.write() as s:
        await blocks.set_public_list_visibility(s, actor=await s.get(Account, admin_id), value="disabled")
        with pytest.raises(Invalid):
            await blocks.set_public_list_visibility(s, actor=await s.get(Account, admin_id), value="some")
    async with db.read() as s:
        assert await blocks.list_public_domain_blocks(s, signed_in=True) is None
    assert [a for a, _ in await _log(db)][-2:] == ["update_settings", "update_settings"]


async def test_an_account_blocks_a_domain_for_itself(db: Database) -> None:
    async with db.write() as s:
        citizen, neighbour = await make_account(s, username="citizen"), await make_account(s, username="neighbour")
        fan, sub_fan = await _remote(s, "fan", "noisy.example"), await _remote(s, "subfan", "m.noisy.example")
        friend = await _remote(s, "friend", "friendly.example")
        for a, b in [(fan, citizen), (sub_fan, citizen), (friend, citizen), (fan, neighbour), (citizen, fan)]:
            await follow(s, a, b)
        s.add(FollowRequest(account_id=sub_fan.id, target_account_id=citizen.id, created_at=utcnow()))
        noisy_post = await add_to_home_feeds(s, author=fan, owners=[])
        friend_post = await add_to_home_feeds(s, author=friend, owners=[])
        local_post = await add_to_home_feeds(s, author=neighbour, owners=[])
        ids = {n: a.id for n, a in [("citizen", citizen), ("neighbour", neighbour), ("fan", fan),
                                    ("sub", sub_fan), ("friend", friend)]}
    async with db.write() as s:
        me = await s.get(Account, ids["citizen"])
        first = await own_blocks.block_domain_for_account(s, account=me, domain="Noisy.Example")
        again = await own_blocks.block_domain_for_account(s, account=me, domain="noisy.example")  # idempotent
        assert first.id == again.id
        await own_blocks.block_domain_for_account(s, account=me, domain="한국.kr")
        with pytest.raises(Invalid):
            await own_blocks.block_domain_for_account(s, account=me, domain="https://noisy.example")
    follows = await _follows(db)
    assert (ids["fan"], ids["citizen"]) not in follows and (ids["sub"], ids["citizen"]) not in follows
    assert {(ids["friend"], ids["citizen"]), (ids["fan"], ids["neighbour"]), (ids["citizen"], ids["fan"])} <= follows
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(FollowRequest)) == 0
        assert (await s.get(Account, ids["citizen"])).followers_count == 1
        me = await s.get(Account, ids["citizen"])
        assert [b.domain for b in await own_blocks.list_account_domain_blocks(s, account=me)] == \
            ["xn--3e0b707e.kr", "noisy.example"]
        [newest] = await own_blocks.list_account_domain_blocks(s, account=me, limit=1)
        [older] = await own_blocks.list_account_domain_blocks(s, account=me, max_id=newest.id)
        assert older.domain == "noisy.example"
        assert await own_blocks.blocks_domain(s, account_id=me.id, domain="m.noisy.example")
        assert not await own_blocks.blocks_domain(s, account_id=ids["neighbour"], domain="noisy.example")
        visible = set(await s.scalars(select(Status.id).where(own_blocks.not_domain_blocked_by(me.id))))
        assert {friend_post.id, local_post.id} <= visible and noisy_post.id not in visible
        theirs = set(await s.scalars(select(Status.id).where(own_blocks.not_domain_blocked_by(ids["neighbour"]))))
        assert noisy_post.id in theirs
    async with db.write() as s:
        me = await s.get(Account, ids["citizen"])
        await own_blocks.unblock_domain_for_account(s, account=me, domain="NOISY.example")
        await own_blocks.unblock_domain_for_account(s, account=me, domain="noisy.example")  # idempotent
        assert [b.domain for b in await own_blocks.list_account_domain_blocks(s, account=me)] == ["xn--3e0b707e.kr"]
    assert (ids["fan"], ids["citizen"]) not in await _follows(db)  # removed followers do not come back
