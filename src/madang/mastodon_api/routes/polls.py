"""Polls: show one, vote in one; and reading ``poll[...]`` from a status's parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.accounts import get_account
from madang.core.errors import Invalid
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.problems import ApiProblem, BadRequest
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import ctx, path_id
from madang.mastodon_api.serializers.polls import poll_json
from madang.statuses.polls import PollSpec, get_visible_poll, load_poll, vote_in_poll

router = APIRouter()


def poll_spec(params: Params) -> PollSpec | None:
    """``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``, ``poll[hide_totals]``
    (form, or a JSON ``{"poll": {...}}``); None when the status has no poll."""
    raw = params.raw("poll")
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise Invalid("poll must be an object", field="poll")
    poll = Params(raw)
    try:
        options: list[Any] = poll.list("options")
        expires_in = poll.int("expires_in")
    except ApiProblem as exc:
        raise Invalid(f"Poll {exc.message}", field="poll") from None
    if any(not isinstance(o, str) for o in options):
        raise Invalid("Poll options must be strings", field="poll")
    if expires_in is None:
        raise Invalid("Poll expires at is too soon", field="poll")
    return PollSpec(options=tuple(options), expires_in=expires_in, multiple=bool(poll.bool("multiple", False)),
                    hide_totals=bool(poll.bool("hide_totals", False)))


@router.get("/api/v1/polls/{poll_id}")
async def show(request: Request, poll_id: str) -> Response:
    caller = await optional_caller(request, "read:statuses")
    viewer = caller.account.id if caller and caller.account else None
    async with ctx(request).db.read() as session:
        poll = await get_visible_poll(session, path_id(poll_id), viewer)
        view = await load_poll(session, poll, viewer)
    return JSON(poll_json(view))


def _choices(params: Params) -> list[int]:
    values = params.list("choices")
    if not values:
        raise BadRequest("param is missing or the value is empty: choices")
    choices = []
    for value in values:
        text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if not text.lstrip("-").isdigit():
            raise Invalid("The chosen vote option does not exist")
        choices.append(int(text))
    return choices


@router.post("/api/v1/polls/{poll_id}/votes")
async def vote(request: Request, poll_id: str) -> Response:
    _, me = await require_user(request, "write:statuses")
    params = await read_params(request)
    async with ctx(request).db.write() as session:
        poll = await get_visible_poll(session, path_id(poll_id), me.id)
        choices = _choices(params)
        await vote_in_poll(session, poll=poll, account=await get_account(session, me.id), choices=choices)
        view = await load_poll(session, poll, me.id)
    return JSON(poll_json(view))
