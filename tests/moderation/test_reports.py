"""Filing reports on both databases: what is stored for the queue, and what is refused."""

from __future__ import annotations

import pytest

from madang import moderation
from madang.core.errors import Invalid, NotFound
from madang.db import Database
from tests.factories import follow, make_account, make_status


async def test_a_report_is_queued_with_the_target_statuses(db: Database) -> None:
    async with db.write() as s:
        me, spammer, other = [await make_account(s, username=n) for n in ("reporter", "spammer", "other")]
        ad = await make_status(s, spammer, "광고 광고 광고")
        private = await make_status(s, spammer, "팔로워 전용 광고", visibility="private")
        await follow(s, me, spammer)
        report, target = await moderation.file_report(
            s, reporter=me, target_account_id=spammer.id, status_ids=[ad.id, private.id, ad.id],
            comment="  같은 광고를 계속 올립니다  ", category="spam", forward=True)
    assert target.id == spammer.id
    async with db.read() as s:
        [queued] = await moderation.list_open_reports(s)
        assert (queued.id, queued.account_id, queued.target_account_id) == (report.id, me.id, spammer.id)
        assert queued.status_ids == sorted([ad.id, private.id])
        assert (queued.comment, queued.category, queued.forwarded) == ("같은 광고를 계속 올립니다", "spam", False)
        assert await moderation.count_open_reports(s) == 1
    _ = other


@pytest.mark.parametrize("case", ["unknown account", "others' status", "hidden status", "long comment",
                                  "category", "rules", "self"])
async def test_bad_reports_change_nothing(db: Database, case: str) -> None:
    async with db.write() as s:
        me, target, other = [await make_account(s, username=n) for n in ("reporter", "target", "other")]
        mine = await make_status(s, target, "신고될 글")
        elsewhere = await make_status(s, other, "다른 사람 글")
        hidden = await make_status(s, target, "팔로워 전용", visibility="private")
    args = {"reporter": me, "target_account_id": target.id, "status_ids": [mine.id]}
    expected: type[Exception] = Invalid
    if case == "unknown account":
        args["target_account_id"], expected = 12345, NotFound
    elif case == "others' status":
        args["status_ids"], expected = [mine.id, elsewhere.id], NotFound
    elif case == "hidden status":
        args["status_ids"], expected = [hidden.id], NotFound
    elif case == "long comment":
        args["comment"] = "가" * 1001
    elif case == "category":
        args["category"] = "rude"
    elif case == "rules":
        args["rule_ids"] = [1]
    elif case == "self":
        args["target_account_id"] = me.id
    with pytest.raises(expected):
        async with db.write() as s:
            await moderation.file_report(s, **args)
    async with db.read() as s:
        assert await moderation.count_open_reports(s) == 0


async def test_the_longest_comment_and_defaults(db: Database) -> None:
    async with db.write() as s:
        me, target = [await make_account(s, username=n) for n in ("reporter", "target")]
        report, _ = await moderation.file_report(s, reporter=me, target_account_id=target.id, comment="나" * 1000)
    assert (len(report.comment), report.category, report.status_ids, report.rule_ids) == (1000, "other", [], [])
