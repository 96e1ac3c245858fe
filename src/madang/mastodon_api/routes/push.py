"""Web Push subscriptions: one per access token, needing the `push` scope."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import push
from madang.mastodon_api.auth import bearer, require_user
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import ctx
from madang.mastodon_api.serializers.push import subscription_json
from madang.push.rules import ALERT_TYPES

router = APIRouter()
PATH = "/api/v1/push/subscription"


def _wants(params: Params) -> dict:
    """alerts and policy from ``data``; policy also at the top level, where Mastodon.py
    puts it."""
    data = params.dict("data")
    alerts_in = data.dict("alerts")
    alerts = {name: alerts_in.bool(name) for name in ALERT_TYPES if alerts_in.raw(name) is not None}
    return {"alerts": alerts, "policy": data.str("policy") or params.str("policy")}


@router.post(PATH)
async def create(request: Request) -> Response:
    caller, me = await require_user(request, "push")
    params = await read_params(request)
    subscription = params.dict("subscription")
    keys = subscription.dict("keys")
    fields = dict(endpoint=subscription.str("endpoint"), p256dh=keys.str("p256dh"), auth=keys.str("auth"),
                  standard=bool(subscription.bool("standard", False)), **_wants(params))
    config = push.PushConfig.from_settings(ctx(request).settings)
    async with ctx(request).db.write() as session:
        row = await push.create_subscription(session, config=config, account_id=me.id,
                                             access_token_id=caller.token.id, access_token=bearer(request) or "",
                                             **fields)
        key = await push.ensure_server_key(session)
    return JSON(subscription_json(row, key.public_key))


@router.get(PATH)
async def show(request: Request) -> Response:
    caller, _ = await require_user(request, "push")
    async with ctx(request).db.read() as session:
        row = await push.get_subscription(session, access_token_id=caller.token.id)
        key = await push.find_server_key(session)
    return JSON(subscription_json(row, key.public_key if key else ""))


@router.put(PATH)
async def update(request: Request) -> Response:
    caller, _ = await require_user(request, "push")
    wants = _wants(await read_params(request))
    async with ctx(request).db.write() as session:
        row = await push.update_subscription(session, access_token_id=caller.token.id, **wants)
        key = await push.ensure_server_key(session)
    return JSON(subscription_json(row, key.public_key))


@router.delete(PATH)
async def destroy(request: Request) -> Response:
    caller, _ = await require_user(request, "push")
    async with ctx(request).db.write() as session:
        await push.delete_subscription(session, access_token_id=caller.token.id)
    return JSON({})
