"""The office's frequently asked categories (`/desk/settings/faq`, issue 17): which categories are
frequently asked, and whether a new case of one gets an automatic first reply when the best
suggested answer matches well enough (the threshold, in percent). Plain forms, one per category."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid, NotFound
from madang.desk import office
from madang.desk.suggestions import faq
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
BASE = "/desk/settings/faq"


def _url(org: str | None) -> str:
    return BASE + (f"?org={quote(org)}" if org else "")


async def _page(request: Request, viewer: Viewer, org_name: str | None, *, errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
        rows = await faq.list_faq_categories(session, organisation=org, staff=viewer.account)
    return render(request, "web/desk_faq.html", status=status, org=org, org_name=org_name, section="faq",
                  rows=rows, errors=errors or {}, default_threshold=round(faq.DEFAULT_THRESHOLD * 100))


@router.get(BASE)
async def faq_page(request: Request) -> Response:
    viewer = await signed_in(request)
    org = request.query_params.get("org")
    return await _page(request, viewer, org[:40] if org else None)


def _percent(value: str) -> float:
    value = value.strip().rstrip("%")
    if not value.isascii() or not value.isdigit() or len(value) > 3:
        raise Invalid("기준 점수는 1부터 100까지의 숫자로 적어 주세요", field="threshold")
    return int(value) / 100


@router.post(BASE + "/{category}")
async def save_category(request: Request, category: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = text_field(form, "org", limit=40) or None
    category = category[:50]
    marked, auto = bool(form.get("faq")), bool(form.get("auto_reply"))
    try:
        async with ctx(request).db.write() as session:
            org = await office.admin_desk(session, staff=viewer.account, organisation=org_name)
            if marked:
                await faq.set_faq_category(session, organisation=org, staff=viewer.account, category=category,
                                           auto_reply=auto, threshold=_percent(text_field(form, "threshold", limit=10)))
            elif await faq.find_faq_category(session, organisation_id=org.id, category=category) is not None:
                await faq.unset_faq_category(session, organisation=org, staff=viewer.account, category=category)
    except (Invalid, NotFound) as exc:
        return await _page(request, viewer, org_name, errors={"category": category, "message": describe(exc)},
                           status=422)
    return redirect(_url(org_name), notice="desk_saved")
