"""The composer's `@` and `#` suggestions (decision 0062): static/web/compose_suggest.js asks
``/compose/suggest?q=@ㅇㅇ`` as the person types and shows the fragment as a list box."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.search.suggestions import composer_suggestions
from madang.text import normalize
from madang.web.routes.common import ctx, signed_in
from madang.web.templating import render

router = APIRouter()


@router.get("/compose/suggest")
async def suggest(request: Request) -> Response:
    viewer = await signed_in(request)
    token = normalize(request.query_params.get("q", ""))[:101]
    async with ctx(request).db.read() as session:
        found = await composer_suggestions(session, token=token, viewer_id=viewer.account.id)
    return render(request, "web/_compose_suggestions.html", accounts=found.accounts, tags=found.tags)
