"""Reports through Mastodon.py and httpx against a real server."""

from __future__ import annotations

import httpx
import pytest
from mastodon import MastodonNotFoundError

from tests.mastodon_api.clients import assert_json_error, auth, new_app, register


def test_report_with_mastodon_py(server: str) -> None:
    app = new_app(server)
    me, _, _ = register(server, app, "reporter_api")
    spammer, _, _ = register(server, app, "spammer_api")
    bystander, _, _ = register(server, app, "bystander_api")
    ad = spammer.status_post("광고입니다 광고")
    theirs = bystander.status_post("평범한 글")
    target_id = spammer.me().id

    report = me.report(target_id, status_ids=[ad.id], comment="광고 계정이에요", category="spam")
    assert report.category == "spam" and report.comment == "광고 계정이에요"
    assert report.action_taken is False and report.forwarded is False
    assert report.target_account.id == target_id
    assert [str(i) for i in report.status_ids] == [str(ad.id)]

    token = me.access_token
    url = f"{server}/api/v1/reports"
    # A status of someone else, an unknown or non-numeric account: 404, as Mastodon.
    with pytest.raises(MastodonNotFoundError):
        me.report(target_id, status_ids=[theirs.id])
    assert_json_error(httpx.post(url, data={"account_id": "999999"}, headers=auth(token)), 404)
    assert_json_error(httpx.post(url, data={"account_id": "abc"}, headers=auth(token)), 404)
    assert_json_error(httpx.post(url, data={"account_id": target_id, "status_ids[]": "x"}, headers=auth(token)), 404)
    # Wrong category, missing account, comment too long, rules we do not have: 422.
    for body in ({"account_id": target_id, "category": "rude"}, {"comment": "신고"},
                 {"account_id": target_id, "comment": "가" * 1001},
                 {"account_id": target_id, "category": "violation", "rule_ids[]": "1"},
                 {"account_id": target_id, "rule_ids[]": "하나"}):
        assert_json_error(httpx.post(url, data=body, headers=auth(token)), 422)
    assert_json_error(httpx.post(url, json={"account_id": target_id, "category": ["spam"]}, headers=auth(token)), 422)
    # Without a user token: 401.
    assert_json_error(httpx.post(url, data={"account_id": target_id}), 401)
    # JSON bodies, as masto.js sends them.
    answer = httpx.post(url, json={"account_id": str(target_id), "comment": "다시", "forward": True},
                        headers=auth(token))
    assert answer.status_code == 200 and answer.json()["category"] == "other"
