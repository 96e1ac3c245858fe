"""Handlers are registered by name, once."""

from __future__ import annotations

import pytest

from madang.core.errors import Conflict, Invalid, NotFound
from madang.jobs import UnknownJob, get_handler, handler, registered_names
from tests.jobs.conftest import unique_name


def test_register_and_look_up() -> None:
    name = unique_name()

    async def work(session, payload):  # type: ignore[no-untyped-def]
        pass

    assert handler(name)(work) is work
    assert handler(name)(work) is work  # the same function again is harmless
    assert get_handler(name) is work
    assert name in registered_names()
    assert registered_names() == sorted(registered_names())


def test_a_second_function_for_a_name_is_refused() -> None:
    name = unique_name()

    @handler(name)
    async def first(session, payload):  # type: ignore[no-untyped-def]
        pass

    with pytest.raises(Conflict):
        @handler(name)
        async def second(session, payload):  # type: ignore[no-untyped-def]
            pass

    assert get_handler(name) is first


def test_unknown_and_invalid_names() -> None:
    with pytest.raises(UnknownJob) as raised:
        get_handler(unique_name("missing"))
    assert isinstance(raised.value, NotFound)
    with pytest.raises(Invalid):
        handler("")
    with pytest.raises(Invalid):
        handler(unique_name(), max_attempts=0)
