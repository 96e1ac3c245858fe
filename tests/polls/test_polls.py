"""Polls: written with their status, voted in by Mastodon's rules, and their end announced."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from madang.core.clock import FrozenClock
from madang.core.errors import Invalid, NotFound
from madang.db import Database
from madang.models import Poll, PollVote, Status
from madang.statuses.edit import edit_status
from madang.statuses.polls import PollSpec, get_visible_poll, load_polls, vote_in_poll
from madang.statuses.views import load_status_views
from tests.factories import SITE, make_account, make_status, notifications_of, rerun_done_jobs, run_jobs

LUNCH = PollSpec(options=("김밥", "라면", "비빔밥"), expires_in=600)


async def test_poll_is_written_with_its_status_and_counts_votes(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        jun = await make_account(s, username="jun")
        status = await make_status(s, city, "점심 메뉴 투표", poll=LUNCH)
    async with db.write() as s:
        poll = await s.scalar(select(Poll).where(Poll.status_id == status.id))
        await vote_in_poll(s, poll=poll, account=minji, choices=[1])
    async with db.write() as s:
        poll = await s.get(Poll, poll.id)
        await vote_in_poll(s, poll=poll, account=jun, choices=[1])
    async with db.read() as s:
        view = (await load_polls(s, [status.id], minji.id))[status.id]
        anonymous = (await load_polls(s, [status.id], None))[status.id]
    assert view.options == [("김밥", 0), ("라면", 2), ("비빔밥", 0)]
    assert (view.votes_count, view.voters_count, view.own_votes) == (2, 2, [1])
    assert anonymous.own_votes is None
    assert view.expires_at == frozen.at.replace(minute=10)


@pytest.mark.parametrize(("spec", "message"), [
    (PollSpec(options=("하나",), expires_in=600), "more than one item"),
    (PollSpec(options=("가", "나", "다", "라", "마"), expires_in=600), "more than 4 items"),
    (PollSpec(options=("가" * 51, "나"), expires_in=600), "longer than 50 characters"),
    (PollSpec(options=("가", "가"), expires_in=600), "duplicate"),
    (PollSpec(options=("가", "나"), expires_in=299), "too soon"),
    (PollSpec(options=("가", "나"), expires_in=2_629_747), "too far"),
])
async def test_bad_polls_are_refused_and_nothing_is_written(db: Database, spec: PollSpec, message: str) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
    with pytest.raises(Invalid, match=message):
        async with db.write() as s:
            await make_status(s, city, "투표", poll=spec)
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(Status)) == 0
        assert await s.scalar(select(func.count()).select_from(Poll)) == 0


async def test_voting_rules(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        single = await make_status(s, city, "하나만", poll=LUNCH)
        several = await make_status(s, city, "여럿", poll=PollSpec(options=("가", "나", "다"), expires_in=600,
                                                                 multiple=True))

    async def vote(status: Status, account, choices: list[int]) -> None:  # type: ignore[no-untyped-def]
        async with db.write() as s:
            poll = await s.scalar(select(Poll).where(Poll.status_id == status.id))
            await vote_in_poll(s, poll=poll, account=account, choices=choices)

    with pytest.raises(Invalid, match="your own polls"):
        await vote(single, city, [0])
    with pytest.raises(Invalid, match="does not exist"):
        await vote(single, minji, [3])
    with pytest.raises(Invalid, match="already voted"):
        await vote(single, minji, [0, 1])  # one choice only
    await vote(single, minji, [0])
    with pytest.raises(Invalid, match="already voted"):
        await vote(single, minji, [2])
    await vote(several, minji, [0, 2])
    await vote(several, minji, [1])  # more choices later, on a multiple-choice poll
    with pytest.raises(Invalid, match="already voted"):
        await vote(several, minji, [1])
    frozen.advance(minutes=11)
    with pytest.raises(Invalid, match="already ended"):
        await vote(several, minji, [1])
    async with db.read() as s:
        polls = await load_polls(s, [single.id, several.id], minji.id)
        assert await s.scalar(select(func.count()).select_from(PollVote)) == 4
    assert (polls[single.id].votes_count, polls[single.id].own_votes) == (1, [0])
    assert (polls[several.id].votes_count, polls[several.id].voters_count) == (3, 1)
    assert polls[several.id].own_votes == [0, 1, 2]


async def test_poll_of_a_hidden_status_is_not_found(db: Database) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        secret = await make_status(s, city, "팔로워 전용 투표", visibility="private", poll=LUNCH)
    async with db.read() as s:
        poll = await s.scalar(select(Poll).where(Poll.status_id == secret.id))
        assert (await get_visible_poll(s, poll.id, city.id)).id == poll.id
        with pytest.raises(NotFound):
            await get_visible_poll(s, poll.id, minji.id)
        with pytest.raises(NotFound):
            await get_visible_poll(s, poll.id, None)


async def test_end_of_poll_notifies_voters_and_author_once(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        bystander = await make_account(s, username="bystander")
        status = await make_status(s, city, "점심 메뉴 투표", poll=LUNCH)
    async with db.write() as s:
        poll = await s.scalar(select(Poll).where(Poll.status_id == status.id))
        await vote_in_poll(s, poll=poll, account=minji, choices=[0])
    await run_jobs(db)
    assert await notifications_of(db, minji) == []  # not yet: the poll is open
    frozen.advance(minutes=10)
    await run_jobs(db)
    await rerun_done_jobs(db)  # a job run twice notifies once
    assert await notifications_of(db, minji) == [("poll", city.id, status.id)]
    assert await notifications_of(db, city) == [("poll", city.id, status.id)]
    assert await notifications_of(db, bystander) == []


async def test_text_edit_keeps_the_poll_and_changed_options_reset_votes(db: Database, frozen: FrozenClock) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        minji = await make_account(s, username="minji")
        status = await make_status(s, city, "점심 메뉴 투표", poll=LUNCH)
    async with db.write() as s:
        poll = await s.scalar(select(Poll).where(Poll.status_id == status.id))
        await vote_in_poll(s, poll=poll, account=minji, choices=[2])
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=await s.get(type(city), city.id), status=await s.get(Status, status.id),
                          text="점심 메뉴 투표 (오늘 마감)")
    async with db.read() as s:
        [view] = await load_status_views(s, [await s.get(Status, status.id)], minji.id)
    assert view.poll is not None and view.poll.id == poll.id
    assert view.poll.options[2] == ("비빔밥", 1) and view.poll.own_votes == [2]
    async with db.write() as s:
        await edit_status(s, site=SITE, editor=await s.get(type(city), city.id), status=await s.get(Status, status.id),
                          text="다시 투표", poll=PollSpec(options=("김밥", "국수"), expires_in=900))
    async with db.read() as s:
        [view] = await load_status_views(s, [await s.get(Status, status.id)], minji.id)
        assert await s.scalar(select(func.count()).select_from(PollVote)) == 0
    assert view.poll.options == [("김밥", 0), ("국수", 0)]
    assert (view.poll.votes_count, view.poll.own_votes) == (0, [])
    with pytest.raises(Invalid, match="both files and a poll"):
        async with db.write() as s:
            await edit_status(s, site=SITE, editor=await s.get(type(city), city.id),
                              status=await s.get(Status, status.id), text="사진 추가", media_ids=[1])
