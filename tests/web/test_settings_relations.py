"""Muted and blocked accounts in the settings, on SQLite and PostgreSQL: a timed mute shows when it
ends, an endless one says so; unmuting and unblocking from the list undo them."""

from __future__ import annotations

from tests.web.social import account_id, api, block, person


def test_mutes_and_blocks_are_listed_and_undone_from_the_settings(web_base: str) -> None:
    minji = person(web_base, "minji_rel")
    for name in ("noisy_rel", "quiet_rel", "rude_rel"):
        person(web_base, name)
    assert minji.post("/@noisy_rel/mute", {"duration": "86400", "notifications": "1"}).status_code == 303
    assert minji.post("/@quiet_rel/mute", {"duration": "0"}).status_code == 303
    block(minji, "rude_rel")

    mutes = minji.get("/settings/mutes")
    assert mutes.status_code == 200 and 'aria-current="page">뮤트한 계정' in mutes.text
    assert "@noisy_rel" in mutes.text and "@quiet_rel" in mutes.text and "@rude_rel" not in mutes.text
    assert "해제할 때까지" in mutes.text and "까지 · 알림도 숨김" in mutes.text
    undone = minji.post("/settings/mutes/unmute", {"account_id": account_id(minji, "noisy_rel")})
    assert undone.status_code == 303
    after = minji.follow(undone)
    assert "뮤트를 해제했습니다." in after.text and "@noisy_rel" not in after.text and "@quiet_rel" in after.text

    blocks = minji.get("/settings/blocks")
    assert blocks.status_code == 200 and "@rude_rel" in blocks.text and "@quiet_rel" not in blocks.text
    gone = minji.follow(minji.post("/settings/blocks/unblock", {"account_id": account_id(minji, "rude_rel")}))
    assert "차단을 해제했습니다." in gone.text and "차단한 계정이 없습니다." in gone.text
    with api(minji) as client:
        assert client.get("/api/v1/blocks").json() == []
        assert [a["acct"] for a in client.get("/api/v1/mutes").json()] == ["quiet_rel"]
    assert minji.post("/settings/blocks/unblock", {"account_id": "x"}).status_code == 400
    assert minji.post("/settings/mutes/unmute", {"account_id": "123"}).status_code == 404
    assert minji.post("/settings/mutes/unmute", {"account_id": account_id(minji, "quiet_rel"),
                                                 "csrf_token": "forged"}).status_code == 403
    assert "@quiet_rel" in minji.get("/settings/mutes").text  # a forged form changes nothing
