"""Timeline pages are joined from cached, encoded parts (statuses_json_bytes); they must
decode to exactly what the dict serialiser gives, for every kind of status and viewer."""

from __future__ import annotations

import orjson

from madang.db import Database
from madang.mastodon_api.serializers.statuses import status_json, statuses_json_bytes
from madang.models import Status
from madang.statuses.edit import edit_status
from madang.statuses.interactions import bookmark_status, favourite_status, pin_status, reblog_status
from madang.statuses.views import load_status_views
from madang.timelines.queries import list_home_timeline
from madang.db.paging import Page
from tests.factories import SITE, follow, make_account, make_status, run_jobs

BASE = SITE.base_url


async def test_encoded_page_matches_the_dict_serialiser(db: Database) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang")
        reader = await make_account(s, username="reader")
        await follow(s, reader, city)
        plain = await make_status(s, city, "안양천 벚꽃길이 열렸습니다 #안양 @reader")
        other = await make_status(s, reader, "비산동 민원 문의드립니다")
        await make_status(s, city, "답글", in_reply_to=other)
        await make_status(s, city, "팔로워 공지", visibility="private", spoiler_text="주의", sensitive=True)
    async with db.write() as s:
        await favourite_status(s, account=reader, status=plain)
        await bookmark_status(s, account=reader, status=plain)
        await reblog_status(s, site=SITE, account=reader, status=plain)
        await pin_status(s, account=city, status=plain)
        city = await s.get(type(city), city.id)
        await edit_status(s, site=SITE, editor=city, status=await s.get(Status, plain.id), text="고친 글 #안양")
    await run_jobs(db)
    for viewer in (reader.id, city.id, None):
        async with db.read() as s:
            rows = await list_home_timeline(s, viewer_id=reader.id, page=Page(limit=40))
            views = await load_status_views(s, rows, viewer)
        assert len(views) >= 5
        assert any(v.reblog is not None for v in views)
        expected = [status_json(v, BASE) for v in views]
        # Twice: the second time from the caches.
        for _ in range(2):
            assert orjson.loads(statuses_json_bytes(views, BASE)) == expected
