"""The pieces of the logs on their own: which request ids are taken, what the scrubber removes,
what the two formats write (docs/ops/logging.md)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from madang.access_log import redacted_target
from madang.core.request_context import current_request_id, request_id_set, well_formed
from madang.ops.logging_setup import scrub, setup_logging

TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (\w+) (\S+) \[([\w.:-]+)\] (.*)$")


def test_which_request_ids_are_taken() -> None:
    for good in ("5f0c2a9e8b7d4c3a2b1a0f9e8d7c6b5a", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "lb:abc.123_x-y"):
        assert well_formed(good) == good and well_formed(good.encode()) == good
    for bad in ("", "a" * 65, "two words", 'x"y', "line\nbreak", "한글", "-starts-with-dash", None, b"\xff\xfe"):
        assert well_formed(bad) is None, bad


def test_the_request_id_is_current_inside_its_block_only() -> None:
    assert current_request_id() is None
    with request_id_set("outer"):
        with request_id_set("inner"):
            assert current_request_id() == "inner"
        assert current_request_id() == "outer"
    assert current_request_id() is None


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("mail to minji@example.kr failed", "mail to [email] failed", "minji@example.kr"),
    ("query email=minji%40example.kr", "[email]", "minji%40example.kr"),
    ("call 010-2345-6789 or 01098765432 or 02-123-4567", "call [phone] or [phone] or [phone]", "2345"),
    ("Authorization: Bearer abcDEF123.xyz", "Bearer [FILTERED]", "abcDEF123"),
    ("password=hunter2&x=1 access_token: t0k3n", "password=[FILTERED]&x=1 access_token: [FILTERED]", "hunter2"),
    ("GET http://x/auth/password/AbC-123_tok and /desk/g/77/s3cr3t/rate", "/auth/password/[FILTERED]", "AbC-123_tok"),
])
def test_the_scrubber_removes_personal_data_and_credentials(text: str, kept: str, gone: str) -> None:
    scrubbed = scrub(text)
    assert kept in scrubbed and gone not in scrubbed


def test_the_scrubber_keeps_what_operators_need() -> None:
    for text in ("job 117745597181141001 (trends.refresh) done in 0.552s",
                 "move of @alice@remote.example's follow skipped",  # a fediverse handle, not an e-mail
                 "2026-12-07T09:30:00.123+09:00 status_code=404 took 0.021s",
                 "delivery to social.example given up (ConnectTimeout, after 8 retries)"):
        assert scrub(text) == text


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("madang").level)
    stream = io.StringIO()
    yield stream, logging.getLogger("madang.ops.test")
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    logging.getLogger("madang").setLevel(saved[2])


def test_text_lines(captured: tuple[io.StringIO, logging.Logger]) -> None:
    stream, log = captured
    setup_logging("info", "text", stream)
    with request_id_set("req-1"):
        log.info("sent to %s", "minji@example.kr", extra={"job_id": "42"})
    log.debug("not at info level")
    logging.getLogger("aiosqlite").info("a library's info line: not shown")
    try:
        raise ValueError("password=hunter2")
    except ValueError:
        log.exception("it failed")
    lines = stream.getvalue().splitlines()
    first = TEXT_LINE.match(lines[0])
    assert first and first.groups() == ("INFO", "madang.ops.test", "req-1", "sent to [email] job_id=42")
    assert TEXT_LINE.match(lines[1])[3] == "-"  # type: ignore[index]
    assert "Traceback" in stream.getvalue() and "hunter2" not in stream.getvalue()
    assert "not at info level" not in stream.getvalue() and "a library" not in stream.getvalue()


def test_json_lines(captured: tuple[io.StringIO, logging.Logger]) -> None:
    stream, log = captured
    setup_logging("debug", "json", stream)
    with request_id_set("req-2"):
        log.debug("국문 메시지 %d", 7, extra={"job": "mail.send"})
    logging.getLogger("uvicorn.error").warning("uvicorn's own line")  # adopted: the same format
    try:
        1 / 0
    except ZeroDivisionError:
        log.error("boom", exc_info=True)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert entries[0]["message"] == "국문 메시지 7" and entries[0]["request_id"] == "req-2"
    assert entries[0]["level"] == "DEBUG" and entries[0]["job"] == "mail.send" and entries[0]["time"][10] == "T"
    assert entries[1]["logger"] == "uvicorn.error" and entries[1]["request_id"] is None
    assert "ZeroDivisionError" in entries[2]["exception"]


def test_setting_up_twice_keeps_one_handler(captured: tuple[io.StringIO, logging.Logger]) -> None:
    stream, log = captured
    setup_logging("info", "text", stream)
    setup_logging("info", "json", stream)
    log.warning("once")
    assert len(stream.getvalue().splitlines()) == 1
    with pytest.raises(ValueError):
        setup_logging("verbose", "text", stream)


def test_the_access_log_target_has_no_email_address() -> None:
    assert redacted_target(b"/api/v1/accounts/lookup", b"acct=minji@example.kr") == \
        b"/api/v1/accounts/lookup?acct=[email]"
    assert redacted_target(b"/search", b"q=minji%40example.kr") == b"/search?q=[email]"
