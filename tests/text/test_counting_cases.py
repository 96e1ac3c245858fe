"""The shared counting cases against the server's rule; tests/web/browser runs the same file
through the composer's counter.js in Chromium, so the two cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from madang.text import count_characters

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "counting_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_server_counts_the_shared_case(case: dict) -> None:  # type: ignore[type-arg]
    assert count_characters(case["text"], case.get("spoiler_text", "")) == case["count"]


def test_cases_cover_what_the_counter_must_agree_on() -> None:
    notes = " ".join(c["note"] for c in CASES).lower()
    texts = "".join(c["text"] for c in CASES)
    for topic in ("hangul", "jamo", "emoji", "flag", "combining", "url", "bare domain", "remote mention",
                  "hashtag", "mixed scripts", "newline", "content warning"):
        assert topic in notes, topic
    assert "\u200d" in texts and "\n" in texts and "\u1100" in texts
    assert len({c["note"] for c in CASES}) == len(CASES), "notes name the cases: keep them unique"
