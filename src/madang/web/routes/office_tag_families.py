"""Hashtag families (/office/tag_families, decision 0063): an office admin joins tags that mean
one place or thing and takes them apart again; the page shows every family and the history.
Who may is the domain's rule (madang.office.tag_families.require_editor); the page only asks."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Conflict, Invalid
from madang.office import tag_families
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/office/tag_families"
DONE = {"joined", "removed"}


async def _page(request: Request, viewer: Viewer, *, value: str = "", error: str | None = None,
                status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        listing = await tag_families.list_families(session, actor=viewer.account)
    done = request.query_params.get("done")
    return render(request, "web/office_tag_families.html", status=status, families=listing.families,
                  history=listing.history, value=value, error=error, done=done if done in DONE else None)


@router.get(PAGE)
async def page(request: Request) -> Response:
    return await _page(request, await signed_in(request))


@router.post(PAGE)
async def join(request: Request) -> Response:
    viewer = await signed_in(request)
    value = text_field(await checked_form(request), "tags", limit=2000)
    try:
        names = tag_families.parse_names(value)
        async with ctx(request).db.write() as session:
            await tag_families.join_tags(session, actor=viewer.account, names=names)
    except (Invalid, Conflict) as exc:
        return await _page(request, viewer, value=value, error=describe(exc), status=422)
    return redirect(PAGE + "?done=joined")


@router.post(PAGE + "/remove")
async def remove(request: Request) -> Response:
    viewer = await signed_in(request)
    name = text_field(await checked_form(request), "tag", limit=200)
    async with ctx(request).db.write() as session:
        await tag_families.remove_tag(session, actor=viewer.account, name=name)
    return redirect(PAGE + "?done=removed")
