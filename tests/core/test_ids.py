"""Snowflake ids stay unique when one millisecond gives more than 4,096 of them: a frozen test
clock (or a burst) used to restart the sequence below ids already handed out."""

from __future__ import annotations

from datetime import datetime, timezone

from madang.core.ids import id_at, time_of


def test_ids_of_one_millisecond_never_repeat_past_the_sequence() -> None:
    moment = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
    ids = [id_at(moment) for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert time_of(ids[0]) == moment


def test_back_dated_ids_sort_at_their_time() -> None:
    early = datetime(2025, 1, 1, tzinfo=timezone.utc)
    late = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first = id_at(late)
    back = id_at(early)
    assert time_of(back) == early and back < first


def test_ids_for_two_clocks_in_turn_never_repeat() -> None:
    """A frozen test clock and the wall clock (or back-dated loads between live writes) in one
    process: each goes on where it left off."""
    frozen = datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)
    now = datetime.now(timezone.utc)
    ids = []
    for _ in range(3):
        ids += [id_at(frozen) for _ in range(3000)]
        ids += [id_at(now) for _ in range(10)]
    assert len(set(ids)) == len(ids)


def test_a_frozen_clock_goes_on_after_a_large_back_dated_load():
    """Under a frozen clock new_id uses one millisecond again and again; a back-dated load of
    more milliseconds than the process remembers in between must not make it start that
    millisecond afresh (the trends test's jobs collided so)."""
    from datetime import datetime, timedelta, timezone

    from madang.core import ids
    from madang.core.clock import Clock, FrozenClock, set_clock

    noon = datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
    set_clock(FrozenClock(noon))
    try:
        before = [ids.new_id() for _ in range(100)]
        for n in range(ids._REMEMBERED + 10):
            ids.id_at(noon - timedelta(seconds=n + 1))
        after = ids.new_id()
    finally:
        set_clock(Clock())
    assert after > max(before)
