"""Domain block and allow lists as files (admins only; madang.moderation.domain_block_csv,
decision 0040): export in Mastodon's CSV format, and import with a preview — the file is read,
what would change is shown line by line, and only a second, confirmed POST applies it (all rows
or, when one is bad, none). Works without JavaScript: the preview carries the file back in a
hidden field."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from madang.moderation import domain_block_csv as lists
from madang.moderation.domain_blocks import display_domain
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, redirect
from madang.web.templating import render

router = APIRouter()
KINDS = {"blocks": "/admin/domain-blocks", "allows": "/admin/domain-allows"}

_PROBLEMS = {
    "domain_blank": N_("도메인이 비어 있습니다."),
    "domain_invalid": N_("도메인 형식이 올바르지 않습니다."),
    "domain_too_long": N_("도메인이 너무 깁니다."),
    "own_domain": N_("이 서버 자신의 도메인은 차단할 수 없습니다."),
    "severity": N_("차단 수준은 noop, silence, suspend 가운데 하나여야 합니다."),
    "boolean": N_("예/아니요 칸에는 true나 false를 적어 주세요."),
    "comment_too_long": N_("공개 사유가 너무 깁니다."),
    "unreadable": N_("CSV로 읽을 수 없는 줄입니다."),
    "not_utf8": N_("UTF-8 텍스트 파일이 아닙니다."),
    "too_large": N_("파일이 너무 큽니다 (512KB까지)."),
    "too_many_rows": N_("줄이 너무 많습니다 (5,000줄까지)."),
    "empty": N_("파일에 도메인이 없습니다."),
}


def _error_text(error: lists.RowError) -> str:
    problem = i18n.gettext_(_PROBLEMS.get(error.code, error.code))
    if not error.line:
        return problem
    return i18n.gettext_(N_("%(line)s번째 줄: %(problem)s"), line=error.line, problem=problem) + (
        f" ({error.value})" if error.value else "")


def _kind(value: str | None) -> str:
    return value if value in KINDS else "blocks"


def _csv(body: str, name: str) -> Response:
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.get("/admin/domain-blocks.csv")
async def export_blocks(request: Request) -> Response:
    viewer = await admin_viewer(request)
    async with ctx(request).db.read() as session:
        body = await lists.export_domain_blocks(session, actor=viewer.account)
    return _csv(body, "domain_blocks.csv")


@router.get("/admin/domain-allows.csv")
async def export_allows(request: Request) -> Response:
    viewer = await admin_viewer(request)
    async with ctx(request).db.read() as session:
        body = await lists.export_domain_allows(session, actor=viewer.account)
    return _csv(body, "domain_allows.csv")


def _page(request: Request, kind: str, *, plan: lists.ImportPlan | None = None, data: str = "",
          status: int = 200) -> Response:
    section = "domain-blocks" if kind == "blocks" else "domain-allows"
    errors = [_error_text(e) for e in plan.errors] if plan else []
    rows = lists.describe_rows(plan) if plan else []
    encoded = base64.urlsafe_b64encode(data.encode()).decode() if data else ""
    return render(request, "web/admin_domain_import.html", status=status, section=section, kind=kind, plan=plan,
                  rows=rows, row_errors=errors, data=encoded, back=KINDS[kind], display_domain=display_domain)


@router.get("/admin/domain-import")
async def import_form(request: Request) -> Response:
    await admin_viewer(request)
    return _page(request, _kind(request.query_params.get("kind")))


async def _uploaded(form) -> bytes:  # type: ignore[no-untyped-def]
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        data = await upload.read(lists.MAX_BYTES + 1)
        if data:
            return data
    return text_field(form, "text", limit=lists.MAX_BYTES + 1).encode()


@router.post("/admin/domain-import")
async def preview(request: Request) -> Response:
    viewer = await admin_viewer(request)
    form = await checked_form(request)
    kind = _kind(text_field(form, "kind", limit=10))
    data = await _uploaded(form)
    async with ctx(request).db.read() as session:
        plan = await lists.plan_import(session, actor=viewer.account, data=data, kind=kind,
                                       local_domain=ctx(request).settings.public_host)
    text, _ = lists.decode(data)
    return _page(request, kind, plan=plan, data=text or "", status=422 if plan.errors else 200)


@router.post("/admin/domain-import/apply")
async def apply(request: Request) -> Response:
    viewer = await admin_viewer(request)
    form = await checked_form(request)
    kind = _kind(text_field(form, "kind", limit=10))
    try:
        data = base64.urlsafe_b64decode(text_field(form, "data", limit=lists.MAX_BYTES * 2).encode())
    except (binascii.Error, ValueError):
        data = b""
    try:
        async with ctx(request).db.write() as session:
            await lists.apply_import(session, actor=viewer.account, data=data, kind=kind,
                                     local_domain=ctx(request).settings.public_host)
    except lists.ImportRefused as exc:  # the unit rolled back: nothing changed
        text, _ = lists.decode(data)
        return _page(request, kind, plan=exc.plan, data=text or "", status=422)
    return redirect(KINDS[kind], notice="domain_list_imported")
