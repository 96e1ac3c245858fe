"""Masking takes time linear in the length of the text (issue 13): a chain of numbers glued by
hyphens, each uncovered only when the one before it is masked, used to cost one search of the
whole text per number (4,000 characters: 0.4-3 s; the public Open311 list masks up to 1,000)."""

import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from madang.text.personal_data import mask_personal_data

# Pieces that glue into chains: every number is refused while a digit stands next to it.
PIECES = ["900101-1234567", "010-1234-5678", "1588-1234", "12가3456", "kim@naver.com", "02-123-4567",
          "850315-5123456", "+82 10 1234 5678", "-", ".", " ", "7", "가", "ab"]
SHORT = 500
LONG = SHORT * 8  # the longest description a case may have (4,000)


def _cost(text: str) -> float:
    # CPU time of this thread, the least of several runs: other processes on a shared machine
    # slow the clock on the wall, not this one.
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        mask_personal_data(text)
        best = min(best, time.thread_time() - start)
    return best


def _ratio(unit: str) -> float:
    unit += "-"  # glued to the next copy
    short = (unit * (SHORT // len(unit) + 1))[:SHORT]
    long = (unit * (LONG // len(unit) + 1))[:LONG]
    mask_personal_data(short)  # warm
    return _cost(long) / max(_cost(short), 1e-6)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("-".join))
@example("900101-1234567")  # the chain: 900101-1234567-900101-1234567-…
@example("12가1588-1234")  # a chain freed from the right: the plate waits for the number after it
@example("010-1234-5678kim@naver.com")
def test_masking_time_is_linear_in_the_length(unit: str) -> None:
    # Eight times the text costs about eight times the time; quadratic work costs 64 times.
    # Twenty-four leaves room for noise and stays far below quadratic.
    ratio = _ratio(unit)
    if ratio >= 24:
        ratio = min(ratio, _ratio(unit))  # one more look before calling it quadratic
    assert ratio < 24, f"{LONG} characters cost {ratio:.1f} times {SHORT}"


def test_a_long_chain_is_masked_whole() -> None:
    text = "-".join(["900101-1234567"] * 266)  # 3,989 characters
    masked = mask_personal_data(text)
    assert not any(c.isdigit() for c in masked)
    assert len(masked) == len(text)
