"""Conversations and the direct timeline through Mastodon.py and httpx against a real server."""

from __future__ import annotations

import httpx
import pytest
from mastodon import MastodonNotFoundError

from tests.mastodon_api.clients import (
    assert_json_error,
    auth,
    eventually,
    new_app,
    register,
)


def test_conversations_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    jiwoo, _, _ = register(server, app, "jiwoo_cv")
    minho, _, _ = register(server, app, "minho_cv")
    seoyeon, _, _ = register(server, app, "seoyeon_cv")
    ask = jiwoo.status_post("@minho_cv 내일 3시 어때요?", visibility="direct")
    jiwoo.status_post("공개 글")

    [mine] = eventually(jiwoo.conversations)
    assert mine.unread is False and [a.acct for a in mine.accounts] == ["minho_cv"]
    assert mine.last_status.id == ask.id and mine.last_status.visibility == "direct"
    [theirs] = eventually(minho.conversations)
    assert theirs.unread is True and [a.acct for a in theirs.accounts] == ["jiwoo_cv"]
    assert seoyeon.conversations() == []

    answer = minho.status_post("@jiwoo_cv 좋아요", visibility="direct", in_reply_to_id=ask.id)
    eventually(lambda: jiwoo.conversations()[0].last_status.id == answer.id)
    assert jiwoo.conversations()[0].unread is True
    read = jiwoo.conversations_read(mine.id)
    assert read.unread is False and read.id == mine.id
    assert jiwoo.conversations()[0].unread is False

    # The deprecated direct timeline: my direct statuses, newest first; not the public one.
    direct = httpx.get(f"{server}/api/v1/timelines/direct", headers=auth(jiwoo.access_token))
    assert [s["id"] for s in direct.json()] == [str(answer.id), str(ask.id)]
    assert httpx.get(f"{server}/api/v1/timelines/direct", headers=auth(seoyeon.access_token)).json() == []

    # Paging by the last status, with a Link header.
    group = seoyeon.status_post("@jiwoo_cv @minho_cv 셋이 봐요", visibility="direct")
    eventually(lambda: len(jiwoo.conversations()) == 2)
    first = jiwoo.conversations(limit=1)
    assert [c.last_status.id for c in first] == [group.id]
    assert [c.id for c in jiwoo.fetch_next(first)] == [mine.id]

    # Someone else's conversation is not found, and stays.
    with pytest.raises(MastodonNotFoundError):
        minho.conversations_read(mine.id)
    token = minho.access_token
    for cid in (mine.id, "999", "abc"):
        assert_json_error(httpx.delete(f"{server}/api/v1/conversations/{cid}", headers=auth(token)), 404)
        assert_json_error(httpx.post(f"{server}/api/v1/conversations/{cid}/read", headers=auth(token)), 404)
    assert_json_error(httpx.get(f"{server}/api/v1/conversations", params={"max_id": "x"}, headers=auth(token)), 400)
    assert_json_error(httpx.get(f"{server}/api/v1/conversations"), 401)
    assert len(jiwoo.conversations()) == 2

    gone = httpx.delete(f"{server}/api/v1/conversations/{mine.id}", headers=auth(jiwoo.access_token))
    assert gone.status_code == 200 and gone.json() == {}
    assert [c.last_status.id for c in jiwoo.conversations()] == [group.id]
    assert len(minho.conversations()) == 2
