"""Polls through Mastodon.py and httpx against a real server (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from madang.core.clock import Clock, FrozenClock, set_clock
from tests.mastodon_api.clients import assert_json_error, auth, eventually, new_app, register
from tests.support.server import running_server


@pytest.fixture
def frozen() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime.now(UTC))
    set_clock(clock)
    yield clock
    set_clock(Clock())


@pytest.fixture
def server(database_url: str, frozen: FrozenClock) -> Iterator[str]:
    with running_server(database_url) as url:
        yield url


def test_poll_with_mastodon_py(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_poll")
    minji, _, _ = register(server, app, "minji_poll")
    jun, _, _ = register(server, app, "jun_poll")

    posted = city.status_post("토요일 벼룩시장 어디서 할까요?",
                              poll=city.make_poll(["안양천", "평촌 중앙공원", "시청 광장"], expires_in=300))
    poll = posted.poll
    assert [o.title for o in poll.options] == ["안양천", "평촌 중앙공원", "시청 광장"]
    assert (poll.expired, poll.multiple, poll.votes_count, poll.voted, poll.own_votes) == (False, False, 0, True, [])

    voted = minji.poll_vote(poll.id, [1])
    assert (voted.voted, voted.own_votes, voted.votes_count, voted.voters_count) == (True, [1], 1, 1)
    assert [o.votes_count for o in voted.options] == [0, 1, 0]
    jun.poll_vote(poll.id, 1)
    seen = jun.poll(poll.id)
    assert [o.votes_count for o in seen.options] == [0, 2, 0] and seen.own_votes == [1]
    # The status carries the poll as each viewer sees it, in timelines too (the encoded path).
    assert minji.status(posted.id).poll.own_votes == [1]
    shown = [s for s in minji.timeline_public() if s.id == posted.id][0]
    assert shown.poll.votes_count == 2 and shown.poll.own_votes == [1]
    assert [s for s in city.account_statuses(city.me().id) if s.id == posted.id][0].poll.voted is True

    with pytest.raises(MastodonAPIError, match="already voted"):
        minji.poll_vote(poll.id, [0])
    with pytest.raises(MastodonAPIError, match="your own polls"):
        city.poll_vote(poll.id, [0])
    with pytest.raises(MastodonAPIError, match="does not exist"):
        jun.poll_vote(poll.id, [7])
    with pytest.raises(MastodonNotFoundError):
        jun.poll("999999999")
    assert minji.poll(poll.id).votes_count == 2  # the refused votes changed nothing

    # Five minutes on: the poll has ended, voters and the author hear of it.
    frozen.advance(seconds=301)
    with pytest.raises(MastodonAPIError, match="already ended"):
        register(server, app, "late_poll")[0].poll_vote(poll.id, [0])
    assert minji.poll(poll.id).expired is True
    for api in (minji, jun, city):
        note = eventually(lambda api=api: [n for n in api.notifications() if n.type == "poll"])
        assert len(note) == 1 and note[0].status.id == posted.id and note[0].account.acct == "anyang_poll"


def test_hidden_totals_and_multiple_choice(server: str, frozen: FrozenClock) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_hide")
    minji, _, _ = register(server, app, "minji_hide")
    hidden = city.status_post("구청장 후보 토론회 만족도",
                              poll=city.make_poll(["만족", "보통", "불만"], expires_in=600, hide_totals=True))
    answer = minji.poll_vote(hidden.poll.id, [0])
    assert [o.votes_count for o in answer.options] == [None, None, None]
    assert answer.votes_count == 1 and answer.own_votes == [0]
    assert [o.votes_count for o in city.poll(hidden.poll.id).options] == [1, 0, 0]  # the author sees them
    frozen.advance(minutes=11)
    assert [o.votes_count for o in minji.poll(hidden.poll.id).options] == [1, 0, 0]  # and everyone once it ends

    several = city.status_post("참여하고 싶은 봉사활동 (여러 개 선택)",
                               poll=city.make_poll(["하천 청소", "도서관", "급식"], expires_in=3600, multiple=True))
    answer = minji.poll_vote(several.poll.id, [0, 2])
    assert (answer.multiple, answer.own_votes, answer.votes_count, answer.voters_count) == (True, [0, 2], 2, 1)
    with pytest.raises(MastodonAPIError, match="already voted"):
        minji.poll_vote(several.poll.id, [2])


def test_form_encoding_and_bad_input(server: str) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_form")
    stranger, _, _ = register(server, app, "stranger_form")
    token = city.access_token
    url = f"{server}/api/v1/statuses"
    form = {"status": "폼으로 만든 투표", "poll[options][]": ["예", "아니오"], "poll[expires_in]": "3600",
            "poll[multiple]": "true"}
    made = httpx.post(url, data=form, headers=auth(token))
    assert made.status_code == 200, made.text
    poll = made.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["예", "아니오"] and poll["multiple"] is True

    def refused(body: dict, status: int = 422) -> str:
        return assert_json_error(httpx.post(url, json=body, headers=auth(token)), status)

    base = {"status": "투표", "poll": {"options": ["가", "나"], "expires_in": 600}}
    assert "more than one item" in refused({**base, "poll": {"options": ["가"], "expires_in": 600}})
    assert "more than 4" in refused({**base, "poll": {"options": list("가나다라마"), "expires_in": 600}})
    assert "too soon" in refused({**base, "poll": {"options": ["가", "나"], "expires_in": 60}})
    assert "too far" in refused({**base, "poll": {"options": ["가", "나"], "expires_in": 9_999_999}})
    assert "50 characters" in refused({**base, "poll": {"options": ["가" * 51, "나"], "expires_in": 600}})
    assert "poll" in refused({**base, "media_ids": ["1"]}).lower()
    assert len(city.account_statuses(city.me().id)) == 1  # nothing refused was posted

    votes = f"{server}/api/v1/polls/{poll['id']}/votes"
    assert_json_error(httpx.post(votes, json={}, headers=auth(stranger.access_token)), 400)
    assert "does not exist" in assert_json_error(
        httpx.post(votes, json={"choices": ["첫째"]}, headers=auth(stranger.access_token)), 422)
    assert_json_error(httpx.post(f"{server}/api/v1/polls/abc/votes", json={"choices": [0]},
                                 headers=auth(stranger.access_token)), 404)
    assert_json_error(httpx.post(votes, json={"choices": [0]}), 401)
    # Form votes as Mastodon.py and Tusky send them.
    ok = httpx.post(votes, data={"choices[]": ["0", "1"]}, headers=auth(stranger.access_token))
    assert ok.status_code == 200 and ok.json()["own_votes"] == [0, 1]
    anonymous = httpx.get(f"{server}/api/v1/polls/{poll['id']}").json()
    assert anonymous["votes_count"] == 2 and "own_votes" not in anonymous

    # A followers-only poll is not there for others, to see or to vote in.
    secret = city.status_post("팔로워 투표", visibility="private", poll=city.make_poll(["가", "나"], expires_in=600))
    with pytest.raises(MastodonNotFoundError):
        stranger.poll(secret.poll.id)
    with pytest.raises(MastodonNotFoundError):
        stranger.poll_vote(secret.poll.id, [0])


def test_edit_with_the_same_poll_keeps_votes_and_a_new_poll_resets_them(server: str) -> None:
    app = new_app(server)
    city, _, _ = register(server, app, "anyang_edit")
    minji, _, _ = register(server, app, "minji_edit")
    posted = city.status_post("회의 날짜", poll=city.make_poll(["월", "화"], expires_in=600))
    minji.poll_vote(posted.poll.id, [1])
    # As on Mastodon, an edit that sends no poll removes it: the same options keep the votes.
    edited = city.status_update(posted.id, "회의 날짜 (장소: 시청 3층)", poll=city.make_poll(["월", "화"], expires_in=600))
    assert edited.poll.id == posted.poll.id and edited.poll.votes_count == 1
    changed = city.status_update(posted.id, "회의 날짜 다시", poll=city.make_poll(["수", "목", "금"], expires_in=900))
    assert [o.title for o in changed.poll.options] == ["수", "목", "금"] and changed.poll.votes_count == 0
    assert minji.status(posted.id).poll.own_votes == []
