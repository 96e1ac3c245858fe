"""The front page (the city's posts and a sign-in), the home timeline and the local timeline."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.queries import first_organisation
from madang.statuses.queries import AccountStatusFilter, list_account_statuses
from madang.timelines.queries import list_home_timeline, list_public_timeline
from madang.web.routes.common import ctx, new_form_key, page_of, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.accounts import account_card
from madang.web.views.statuses import status_cards

router = APIRouter()



@router.get("/")
async def front(request: Request) -> Response:
    viewer = await load_viewer(request)
    if viewer is not None:
        return redirect("/home")
    page = page_of(request)
    async with ctx(request).db.read() as session:
        city = await first_organisation(session)
        rows = []
        if city is not None:
            rows = await list_account_statuses(session, account=city, viewer_id=None, page=page,
                                               filters=AccountStatusFilter(exclude_replies=True))
        cards = await status_cards(session, rows, None)
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/front.html", city=account_card(city) if city else None, statuses=cards,
                  older=older, login="", error=None, next="/home")


@router.get("/home")
async def home(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await list_home_timeline(session, viewer_id=viewer.account.id, page=page)
        cards = await status_cards(session, rows, viewer.account.id, context="home")
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/home.html", statuses=cards, older=older, draft="", draft_error=None, form_key=new_form_key(),
                  newest=str(rows[0].id) if rows else "")


@router.get("/public/local")
async def local_timeline(request: Request) -> Response:
    viewer = await load_viewer(request)
    viewer_id = viewer.account.id if viewer else None
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await list_public_timeline(session, viewer_id=viewer_id, page=page, local=True)
        cards = await status_cards(session, rows, viewer_id, context="public")
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/local.html", statuses=cards, older=older)
