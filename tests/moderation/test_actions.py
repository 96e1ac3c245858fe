"""Moderators' actions on both databases: what each does, that the log keeps it, and what is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from madang import moderation
from madang.accounts import authenticate, register_account
from madang.core.errors import Conflict, Forbidden, Invalid, NotFound
from madang.db import Database
from madang.db.paging import Page
from madang.models import Account, Report, Status, User
from madang.timelines.queries import list_public_timeline
from tests.accounts.factories import PASSWORD
from tests.factories import SITE, follow, home_ids, make_account, make_status, reload, run_jobs


async def _admin(s, name: str = "city_admin") -> Account:  # type: ignore[no-untyped-def]
    account = await make_account(s, username=name)
    await s.execute(update(User).where(User.account_id == account.id).values(admin=True))
    return account


async def _log(db: Database, **where) -> list[tuple[str, int | None, int | None, str]]:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        rows = await moderation.list_actions(s, page=Page(limit=100), **where)
    return [(r.row.action, r.row.target_account_id, r.row.target_status_id, r.row.reason) for r in reversed(rows)]


async def _public(db: Database, viewer: Account | None) -> list[int]:
    async with db.read() as s:
        return [st.id for st in await list_public_timeline(s, viewer_id=viewer.id if viewer else None,
                                                           page=Page(limit=40), local=True)]


async def test_a_report_is_resolved_by_deleting_the_post_and_suspending_the_author(db: Database) -> None:
    async with db.write() as s:
        admin, citizen, troll, fan = (await _admin(s), await make_account(s, username="citizen"),
                                      await make_account(s, username="troll"), await make_account(s, username="fan"))
        await follow(s, fan, troll)
        bad = await make_status(s, troll, "욕설이 담긴 글")
        other = await make_status(s, troll, "평범한 글")
        report, _ = await moderation.file_report(s, reporter=citizen, target_account_id=troll.id,
                                                 status_ids=[bad.id], comment="욕설입니다", category="other")
    await run_jobs(db)
    assert bad.id in await home_ids(db, fan)
    async with db.read() as s:
        detail = await moderation.get_report_detail(s, actor=admin, report_id=report.id)
        assert [p.status.id for p in detail.posts] == [bad.id]
        assert detail.target.id == troll.id and detail.reporter.id == citizen.id
        [row] = await moderation.list_reports(s, actor=admin, resolved=False, page=Page())
        assert row.report.id == report.id
    async with db.write() as s:
        await moderation.delete_status_as_moderator(s, actor=admin, status_id=bad.id, reason="욕설 (규칙 1)",
                                                    report_id=report.id)
    async with db.write() as s:
        await moderation.suspend_account(s, actor=admin, account_id=troll.id, reason="반복된 욕설")
    assert (await reload(db, Status, bad.id)).deleted_at is not None  # the record stays, hidden
    assert (await reload(db, Report, report.id)).action_taken_at is not None
    assert (await reload(db, Account, troll.id)).suspended_at is not None
    assert await _log(db) == [("delete_status", troll.id, bad.id, "욕설 (규칙 1)"),
                              ("resolve_report", troll.id, None, "욕설 (규칙 1)"),
                              ("suspend_account", troll.id, None, "반복된 욕설")]
    # Gone from public view and from the follower's home; the suspended account cannot post nor sign in.
    assert other.id not in await _public(db, None) and other.id not in await _public(db, fan)
    assert other.id not in await home_ids(db, fan)
    async with db.write() as s:
        with pytest.raises(Forbidden):
            await make_status(s, await s.get(Account, troll.id), "다시 올려 봅니다")
        with pytest.raises(Forbidden, match="disabled"):
            await authenticate(s, login="troll", password=PASSWORD)
    async with db.read() as s:
        assert await moderation.list_reports(s, actor=admin, resolved=False, page=Page()) == []
        assert len(await moderation.list_reports(s, actor=admin, resolved=True, page=Page())) == 1
    async with db.write() as s:
        await moderation.unsuspend_account(s, actor=admin, account_id=troll.id)
    assert other.id in await _public(db, None)


async def test_a_limited_account_is_left_out_of_public_timelines_except_for_followers(db: Database) -> None:
    async with db.write() as s:
        admin, loud, fan, stranger = (await _admin(s), await make_account(s, username="loud"),
                                      await make_account(s, username="fan"), await make_account(s, username="stranger"))
        await follow(s, fan, loud)
        post = await make_status(s, loud, "광고성 글")
        await moderation.limit_account(s, actor=admin, account_id=loud.id, reason="광고")
    assert post.id not in await _public(db, None)
    assert post.id not in await _public(db, stranger)
    assert post.id in await _public(db, fan)
    assert post.id in await _public(db, loud)
    async with db.write() as s:
        with pytest.raises(Conflict):
            await moderation.limit_account(s, actor=admin, account_id=loud.id)
    async with db.write() as s:
        await moderation.unlimit_account(s, actor=admin, account_id=loud.id)
    assert post.id in await _public(db, stranger)
    assert [a for a, *_ in await _log(db, target_account_id=loud.id)] == ["limit_account", "unlimit_account"]


@pytest.mark.parametrize("case", ["not admin", "no reason", "long reason", "self", "another admin", "unknown",
                                  "closed report", "deleted post"])
async def test_refused_actions_change_nothing(db: Database, case: str) -> None:
    async with db.write() as s:
        admin, troll = await _admin(s), await make_account(s, username="troll")
        second = await _admin(s, "second_admin")
        citizen = await make_account(s, username="citizen")
        post = await make_status(s, troll, "글")
        report, _ = await moderation.file_report(s, reporter=citizen, target_account_id=troll.id, status_ids=[post.id])
    actor, target, reason, expected = admin, troll.id, "이유", Forbidden
    if case == "not admin":
        actor = citizen
    elif case == "no reason":
        reason, expected = "   ", Invalid
    elif case == "long reason":
        reason, expected = "가" * 2001, Invalid
    elif case == "self":
        target, expected = admin.id, Invalid
    elif case == "another admin":
        target = second.id
    elif case == "unknown":
        target, expected = 424242, NotFound
    elif case == "closed report":
        async with db.write() as s:
            await moderation.dismiss_report(s, actor=admin, report_id=report.id)
        async with db.write() as s:
            with pytest.raises(Conflict):
                await moderation.dismiss_report(s, actor=admin, report_id=report.id)
        return
    if case == "deleted post":
        async with db.write() as s:
            await moderation.delete_status_as_moderator(s, actor=admin, status_id=post.id, reason="한 번")
        async with db.write() as s:
            with pytest.raises(NotFound):
                await moderation.delete_status_as_moderator(s, actor=admin, status_id=post.id, reason="두 번")
        assert [a for a, *_ in await _log(db)] == ["delete_status"]
        return
    async with db.write() as s:
        with pytest.raises(expected):
            await moderation.suspend_account(s, actor=actor, account_id=target, reason=reason, report_id=report.id)
    assert (await reload(db, Account, troll.id)).suspended_at is None
    assert (await reload(db, Report, report.id)).action_taken_at is None
    assert await _log(db) == []


async def test_sign_ups_from_blocked_domains_and_subdomains_are_refused(db: Database) -> None:
    async with db.write() as s:
        admin = await _admin(s)
        block = await moderation.block_email_domain(s, actor=admin, domain=" @Spam.Example ")
        assert block.domain == "spam.example"
        with pytest.raises(Conflict):
            await moderation.block_email_domain(s, actor=admin, domain="*.spam.example")
        with pytest.raises(Invalid):
            await moderation.block_email_domain(s, actor=admin, domain="not a domain")
    for email in ("a@spam.example", "b@mail.SPAM.example"):
        async with db.write() as s:
            with pytest.raises(Invalid, match="disallowed"):
                await register_account(s, username="blocked", email=email, password=PASSWORD, base_url=SITE.base_url)
    async with db.write() as s:  # a lookalike domain is not a subdomain
        await register_account(s, username="fine", email="c@notspam.example", password=PASSWORD, base_url=SITE.base_url)
    async with db.read() as s:
        assert await s.scalar(select(Account.id).where(Account.username == "blocked")) is None
    async with db.write() as s:
        assert await moderation.unblock_email_domain(s, actor=admin, block_id=block.id) == "spam.example"
    async with db.write() as s:
        await register_account(s, username="later", email="d@spam.example", password=PASSWORD, base_url=SITE.base_url)
    assert [(a, r) for a, _, _, r in await _log(db)] == [("block_email_domain", ""), ("unblock_email_domain", "")]


async def test_sign_ups_by_approval_wait_for_an_admin(db: Database) -> None:
    async with db.write() as s:
        admin = await _admin(s)
        for name in ("waiting", "unwanted"):
            await register_account(s, username=name, email=f"{name}@example.kr", password=PASSWORD,
                                   base_url=SITE.base_url, approval_required=True, reason="안양 주민입니다")
    async with db.write() as s:
        with pytest.raises(Forbidden, match="pending approval"):
            await authenticate(s, login="waiting", password=PASSWORD)
    async with db.read() as s:
        pending = await moderation.list_pending_sign_ups(s)
        assert [(p.account.username, p.user.sign_up_reason) for p in pending] == [
            ("waiting", "안양 주민입니다"), ("unwanted", "안양 주민입니다")]
    waiting, unwanted = pending[0].account, pending[1].account
    async with db.write() as s:
        await moderation.approve_sign_up(s, actor=admin, account_id=waiting.id)
        assert await moderation.reject_sign_up(s, actor=admin, account_id=unwanted.id, reason="광고 계정") == "unwanted"
    async with db.write() as s:
        assert (await authenticate(s, login="waiting", password=PASSWORD)).account_id == waiting.id
        with pytest.raises(NotFound):
            await moderation.approve_sign_up(s, actor=admin, account_id=waiting.id)  # no longer waiting
    async with db.read() as s:
        assert await moderation.count_pending_sign_ups(s) == 0
        assert await s.get(Account, unwanted.id) is None
    assert [(a, t, r) for a, t, _, r in await _log(db)] == [("approve_registration", waiting.id, ""),
                                                            ("reject_registration", None, "광고 계정")]


async def test_a_suspended_account_cannot_act_and_its_permalinks_are_gone(db: Database) -> None:
    from madang.statuses.interactions import favourite_status, reblog_status
    from madang.statuses.queries import get_visible_status

    async with db.write() as s:
        admin = await _admin(s)
        troll = await make_account(s, username="troll")
        citizen = await make_account(s, username="citizen")
        theirs = await make_status(s, troll, "자극적인 글")
        mine = await make_status(s, citizen, "안양천 벚꽃")
    async with db.write() as s:
        await moderation.suspend_account(s, actor=admin, account_id=troll.id, reason="반복된 욕설")
    async with db.write() as s:
        troll_now = await s.get(Account, troll.id)
        post = await s.get(Status, mine.id)
        with pytest.raises(Forbidden):
            await favourite_status(s, account=troll_now, status=post)
        with pytest.raises(Forbidden):
            await reblog_status(s, site=SITE, account=troll_now, status=post)
    async with db.read() as s:
        with pytest.raises(NotFound):
            await get_visible_status(s, theirs.id, citizen.id)
        assert (await get_visible_status(s, mine.id, None)).id == mine.id


async def test_a_limited_accounts_posts_are_found_and_trend_only_for_its_followers(db: Database) -> None:
    from datetime import timedelta

    from madang.core.clock import utcnow
    from madang.search.statuses import StatusSearch, search_statuses
    from madang.trends.counting import day_count_query

    async with db.write() as s:
        admin, loud, fan, stranger = (await _admin(s), await make_account(s, username="loud"),
                                      await make_account(s, username="fan"), await make_account(s, username="stranger"))
        await follow(s, fan, loud)
        post = await make_status(s, loud, "안양 최저가 광고 #특가")
        await moderation.limit_account(s, actor=admin, account_id=loud.id, reason="광고")

    async def found(viewer: Account) -> list[int]:
        async with db.read() as s:
            return [x.id for x in await search_statuses(s, viewer_id=viewer.id, search=StatusSearch(query="최저가"))]

    assert await found(stranger) == []
    assert await found(fan) == [post.id]
    async with db.read() as s:
        today = (utcnow() + timedelta(hours=9)).date()
        counts = (await s.execute(day_count_query(today, "Asia/Seoul"))).all()
    assert counts == []  # the limited account's tag does not count towards trends
