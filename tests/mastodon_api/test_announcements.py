"""/api/v1/announcements as Mastodon answers it, against a real server: with_dismissed, the
404 of a notice not (or no longer) shown, a ninth different reaction refused, a custom emoji of
this server as a reaction (with its image), scopes, and an app token refused."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
from sqlalchemy import update

from madang.announcements import AnnouncementForm, create_announcement
from madang.core.clock import utcnow
from madang.models import Account, CustomEmoji
from madang.core.ids import new_id
from tests.mastodon_api.clients import auth, new_app, register
from tests.web.test_desk_settings import run


def _announce(url: str, text: str, **fields) -> int:  # type: ignore[no-untyped-def]
    async def work(s):  # type: ignore[no-untyped-def]
        from sqlalchemy import select

        from madang.models import User
        writer = await s.scalar(select(Account).join(User, User.account_id == Account.id).limit(1))
        await s.execute(update(User).where(User.account_id == writer.id).values(admin=True))
        row = await create_announcement(s, actor=writer, form=AnnouncementForm(text=text, **fields),
                                        base_url="http://127.0.0.1")
        return row.id
    return run(url, work)


def test_announcements_api(server: str, database_url: str) -> None:
    app = new_app(server)
    api, _, _ = register(server, app)
    token = str(api.access_token)
    http = httpx.Client(base_url=server, headers=auth(token), timeout=20)
    shown = _announce(database_url, "안양천 산책로 공사 안내", publish_at=utcnow())
    draft = _announce(database_url, "초안 공지")
    ends = utcnow() + timedelta(seconds=5)
    ending = _announce(database_url, "곧 끝나는 공지", publish_at=utcnow(), ends_at=ends)

    listed = http.get("/api/v1/announcements").json()
    assert [a["id"] for a in listed] == [str(shown), str(ending)]
    assert http.post(f"/api/v1/announcements/{ending}/dismiss").status_code == 200
    listed = [a for a in listed if a["id"] == str(shown)]
    assert set(listed[0]) >= {"id", "content", "starts_at", "ends_at", "all_day", "published_at", "updated_at",
                              "read", "mentions", "statuses", "tags", "emojis", "reactions"}
    # A draft, an unknown id or a word for an id: 404, as Mastodon.
    for missing in (draft, 1, "abc"):
        response = http.post(f"/api/v1/announcements/{missing}/dismiss")
        assert response.status_code == 404 and "error" in response.json()

    assert http.post(f"/api/v1/announcements/{shown}/dismiss").json() == {}
    assert http.post(f"/api/v1/announcements/{shown}/dismiss").status_code == 200  # again: still fine
    assert http.get("/api/v1/announcements").json() == []
    again = http.get("/api/v1/announcements", params={"with_dismissed": "true"}).json()
    assert [(a["id"], a["read"]) for a in again] == [(str(shown), True), (str(ending), True)]

    # Eight different reactions at most; a ninth is refused, an existing one still taken.
    for name in ("👍", "❤️", "🙏", "😮", "😢", "🎉", "🌧️", "🔥"):
        assert http.put(f"/api/v1/announcements/{shown}/reactions/{name}").status_code == 200
    ninth = http.put(f"/api/v1/announcements/{shown}/reactions/🚧")
    assert ninth.status_code == 422 and "Limit of different reactions reached" in ninth.json()["error"]
    other, _, _ = register(server, app)
    assert httpx.put(f"{server}/api/v1/announcements/{shown}/reactions/👍",
                     headers=auth(str(other.access_token))).status_code == 200
    [entity] = [a for a in http.get("/api/v1/announcements", params={"with_dismissed": "true"}).json()
                if a["id"] == str(shown)]
    assert len(entity["reactions"]) == 8 and entity["reactions"][0] == {"name": "👍", "count": 2, "me": True}

    # A custom emoji of this server is a reaction too, shown with its image.
    async def emoji(s):  # type: ignore[no-untyped-def]
        s.add(CustomEmoji(id=new_id(), shortcode="anyang_heart", domain=None, file_key="emoji/anyang_heart.png",
                          static_key="emoji/anyang_heart.png", created_at=utcnow(), updated_at=utcnow()))
    run(database_url, emoji)
    http.delete(f"/api/v1/announcements/{shown}/reactions/🔥")
    assert http.put(f"/api/v1/announcements/{shown}/reactions/anyang_heart").status_code == 200
    [entity] = [a for a in http.get("/api/v1/announcements", params={"with_dismissed": "true"}).json()
                if a["id"] == str(shown)]
    heart = next(r for r in entity["reactions"] if r["name"] == "anyang_heart")
    assert heart["url"].endswith("/media/emoji/anyang_heart.png") and heart["me"] is True
    assert http.put(f"/api/v1/announcements/{shown}/reactions/nobody_knows").status_code == 422

    # The notice whose period ends goes down by itself at that moment, though nothing changed.
    deadline = time.monotonic() + 20
    while str(ending) in [a["id"] for a in http.get("/api/v1/announcements", params={"with_dismissed": "1"}).json()]:
        assert time.monotonic() < deadline, "the ended notice stayed"
        time.sleep(0.2)
    assert utcnow() >= ends - timedelta(seconds=1)
    assert http.put(f"/api/v1/announcements/{ending}/reactions/👍").status_code == 404

    # A user's token is needed: none, 401.
    assert httpx.get(f"{server}/api/v1/announcements").status_code == 401
