"""Endpoints Mastodon apps call as they open that madang has little to say to: familiar
followers, translation languages, notification requests.

A 404 here breaks a client's screen (reference mastodon-api.md sections 2 and 5), so each answers
what Mastodon answers on an instance in the same state."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import and_, select
from starlette.responses import Response

from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx
from madang.mastodon_api.serializers.accounts import account_json
from madang.models import Account, Block, Follow, Mute

router = APIRouter()
# Mastodon shows a handful of faces under a profile; the rest is "and N others".
FAMILIAR_LIMIT = 40


@router.get("/api/v1/accounts/familiar_followers")
async def familiar_followers(request: Request) -> Response:
    """For each ``id[]``: the accounts I follow that follow it (Elk and Phanpy show them on a
    profile). Accounts I block or mute, and suspended ones, are left out."""
    _, me = await require_user(request, "read:follows")
    params = await read_params(request)
    ids = list(dict.fromkeys(params.ids("id")))[:100]
    mine = select(Follow.target_account_id).where(Follow.account_id == me.id)
    hidden = (select(Block.target_account_id).where(Block.account_id == me.id)
              .union(select(Mute.target_account_id).where(Mute.account_id == me.id)))
    url = base_url(request)
    out = []
    async with ctx(request).db.read() as session:
        for target in ids:
            rows = await session.scalars(
                select(Account)
                .join(Follow, and_(Follow.account_id == Account.id, Follow.target_account_id == target))
                .where(Account.id.in_(mine), Account.id.not_in(hidden), Account.id != me.id,
                       Account.suspended_at.is_(None))
                .order_by(Follow.id.desc()).limit(FAMILIAR_LIMIT))
            out.append({"id": str(target), "accounts": [account_json(a, url) for a in rows]})
    return JSON(out)


@router.get("/api/v1/instance/translation_languages")
async def translation_languages(request: Request) -> Response:
    # No translation service (instance v2 says translation.enabled false): no language pairs.
    await optional_caller(request)
    return JSON({})


@router.get("/api/v1/notifications/requests")
async def notification_requests(request: Request) -> Response:
    # The notification policy (v2) accepts everything, so nothing is ever held for review.
    await require_user(request, "read:notifications")
    return JSON([])
