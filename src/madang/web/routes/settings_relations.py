"""Settings: the accounts a citizen muted (with each mute's end) and blocked, each undone from
the list (Mastodon's /mutes and /blocks pages), through the same use cases as the profile's buttons."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts import get_account, list_blocks, list_mutes, unblock_account, unmute_account
from madang.accounts.mutes import mutes_of
from madang.core.ids import parse_id_text
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, id_param, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.accounts import account_card

router = APIRouter()
LIST_SIZE = 40
MUTES, BLOCKS = "/settings/mutes", "/settings/blocks"


@router.get(MUTES)
async def mutes_page(request: Request) -> Response:
    viewer = await signed_in(request)
    max_id = id_param(request, "max_id")
    async with ctx(request).db.read() as session:
        rows = await list_mutes(session, account=viewer.account, max_id=max_id, limit=LIST_SIZE)
        details = await mutes_of(session, account=viewer.account, target_ids=[a.id for _, a in rows])
    muted = [(account_card(a), details.get(a.id)) for _, a in rows]
    older = f"{MUTES}?max_id={rows[-1][0]}" if len(rows) >= LIST_SIZE else None
    return render(request, "web/settings_relations.html", section="mutes", kind="mutes", muted=muted,
                  older=older)


@router.get(BLOCKS)
async def blocks_page(request: Request) -> Response:
    viewer = await signed_in(request)
    max_id = id_param(request, "max_id")
    async with ctx(request).db.read() as session:
        rows = await list_blocks(session, account=viewer.account, max_id=max_id, limit=LIST_SIZE)
    blocked = [account_card(a) for _, a in rows]
    older = f"{BLOCKS}?max_id={rows[-1][0]}" if len(rows) >= LIST_SIZE else None
    return render(request, "web/settings_relations.html", section="blocks", kind="blocks", blocked=blocked,
                  older=older)


async def _undo(request: Request, viewer: Viewer, action) -> None:  # type: ignore[no-untyped-def]
    form = await checked_form(request)
    target_id = parse_id_text(text_field(form, "account_id", limit=20))
    if target_id is None:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    async with ctx(request).db.write() as session:
        me = await get_account(session, viewer.account.id)
        await action(session, account=me, target=await get_account(session, target_id))


@router.post(f"{MUTES}/unmute")
async def unmute(request: Request) -> Response:
    await _undo(request, await signed_in(request), unmute_account)
    return redirect(MUTES, notice="unmuted")


@router.post(f"{BLOCKS}/unblock")
async def unblock(request: Request) -> Response:
    await _undo(request, await signed_in(request), unblock_account)
    return redirect(BLOCKS, notice="unblocked")
