"""Filters on live streams: a hide match never reaches that reader's home or public stream,
a warn match arrives with ``filtered``; other readers and contexts are untouched."""

from __future__ import annotations

from tests.streaming.test_audience import seen_until, updates, watching
from tests.streaming.test_websocket import people


def _payloads(seen: list) -> dict[tuple[str, str], dict]:
    return {(st, p["id"]): p for st, e, p in seen if e == "update"}


def test_streams_apply_each_readers_filters(server: str) -> None:
    reader, city, other = people(server, 3)
    for who in (reader, other):
        who.account_follow(city.me().id)
    reader.create_filter_v2("숨김", ["home"], "hide", keywords_attributes=[{"keyword": "안양"}])
    reader.create_filter_v2("경고", ["home", "public"], "warn", keywords_attributes=[{"keyword": "park"}])
    with watching(server, reader, "user", "public") as ws, watching(server, other, "user") as ws_other:
        hidden = city.status_post("안양에서 열리는 축제")
        warned = city.status_post("Central Park 산책")
        parking = city.status_post("parking lot")
        control = city.status_post("오늘 날씨")
        seen = _payloads(seen_until(ws, control.id, "user", "public"))
        # 안양 is hidden on home only (the hide filter does not name public).
        assert ("user", str(hidden.id)) not in seen and ("public", str(hidden.id)) in seen
        assert seen[("public", str(hidden.id))]["filtered"] == []
        for stream in ("user", "public"):
            (result,) = seen[(stream, str(warned.id))]["filtered"]
            assert result["keyword_matches"] == ["park"] and result["filter"]["filter_action"] == "warn"
            assert seen[(stream, str(parking.id))]["filtered"] == []
        # Another reader of the same events: everything, unfiltered.
        theirs = _payloads(seen_until(ws_other, control.id, "user"))
        assert {i for _, i in theirs} == {str(s.id) for s in (hidden, warned, parking, control)}
        assert all(p["filtered"] == [] for p in theirs.values())

        # A change takes effect on the next event: the hide filter removed, 안양 comes through.
        reader.delete_filter_v2(reader.filters_v2()[0].id)
        again = city.status_post("안양 소식 다시")
        assert ("user", str(again.id)) in updates(seen_until(ws, again.id, "user", "public"))
