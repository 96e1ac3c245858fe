"""Posts that arrive at the same moment (they share a commit on SQLite, db.group_commit):
each is answered for itself, refused ones change nothing, and every accepted one is there."""

from __future__ import annotations

import asyncio

import httpx

from tests.mastodon_api.clients import assert_json_error, auth, eventually, new_app, register


def test_a_burst_of_posts_from_several_citizens(server: str) -> None:
    app = new_app(server)
    citizens = [register(server, app) for _ in range(3)]
    tokens = [api.access_token for api, _, _ in citizens]
    reader, _, _ = register(server, app)
    for api, _, _ in citizens:
        reader.account_follow(api.me().id)

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server, timeout=30) as http:
            calls = []
            for i in range(30):
                token = tokens[i % 3]
                body = {"status": f"동시에 올린 글 {i} #안양", "visibility": "public"}
                headers = auth(token)
                if i == 7:
                    body["status"] = "가" * 141  # one over the limit: refused alone
                if i in (10, 13):  # the same key from the same citizen (i % 3 == 1): one post
                    headers = {**headers, "Idempotency-Key": "burst-1"}
                    body["status"] = "두 번 눌린 글"
                calls.append(http.post("/api/v1/statuses", json=body, headers=headers))
            return await asyncio.gather(*calls)

    answers = asyncio.run(burst())
    assert_json_error(answers[7], 422)
    assert all(a.status_code == 200 for i, a in enumerate(answers) if i != 7), \
        [(i, a.status_code, a.text[:100]) for i, a in enumerate(answers) if a.status_code != 200]
    assert answers[10].json()["id"] == answers[13].json()["id"]
    ids = {a.json()["id"] for i, a in enumerate(answers) if i != 7}
    assert len(ids) == 28  # 29 accepted calls, two of them one post
    for i, a in enumerate(answers):
        if i not in (7, 10, 13):
            assert a.json()["content"].startswith(f"<p>동시에 올린 글 {i} ")
    # Every accepted post is stored, counted and delivered to the follower's home.
    counts = [api.me().statuses_count for api, _, _ in citizens]
    assert sum(counts) == 28
    home = eventually(lambda: (lambda got: got if ids <= got else None)(
        {s.id for page in [reader.timeline_home(limit=40)] for s in page}))
    assert ids <= home
    tagged = httpx.get(f"{server}/api/v1/timelines/tag/안양", params={"limit": 40}).json()
    assert len({s["id"] for s in tagged}) == 27  # the refused one and the key's post carry no tag


def test_the_answer_to_a_post_is_the_status_as_read_back(server: str) -> None:
    """The POST answer is built from cached encoded parts; it equals the status read back
    (a reply with a mention, tags, a content warning, a poll)."""
    app = new_app(server)
    author, _, _ = register(server, app)
    _, friend, _ = register(server, app)
    first = author.status_post("첫 글 #안양")
    answer = httpx.post(f"{server}/api/v1/statuses", headers=auth(author.access_token), json={
        "status": f"@{friend} 투표해 주세요 #평촌 #안양 https://anyang.go.kr", "spoiler_text": "설문",
        "in_reply_to_id": first.id, "visibility": "unlisted", "language": "ko",
        "poll": {"options": ["좋아요", "싫어요"], "expires_in": 3600}})
    assert answer.status_code == 200, answer.text
    read_back = httpx.get(f"{server}/api/v1/statuses/{answer.json()['id']}", headers=auth(author.access_token))
    assert answer.json() == read_back.json()
    assert answer.json()["mentions"][0]["username"] == friend and answer.json()["poll"]["options"][0]["title"] == "좋아요"
