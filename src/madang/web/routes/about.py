"""About this server: who runs it, how big it is, what it keeps about a citizen."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.queries import first_organisation
from madang.statuses.instance_stats import instance_stats
from madang.web.routes.common import ctx
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.accounts import account_card

router = APIRouter()


@router.get("/about")
async def about(request: Request) -> Response:
    await load_viewer(request)
    async with ctx(request).db.read() as session:
        city = await first_organisation(session)
        users, statuses = await instance_stats(session)
    s = ctx(request).settings
    return render(request, "web/about.html", city=account_card(city) if city else None, users=users,
                  statuses=statuses, description=s.instance_description, contact=s.contact_email,
                  registrations_open=s.registrations_open)
