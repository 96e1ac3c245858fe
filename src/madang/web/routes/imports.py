"""Settings: importing the lists Mastodon exports (accounts followed, blocked, muted), merged
with one's own or replacing them. The request reads the file and stores it with its job; the
addresses are looked up and applied by the job (decision 0050), and this page shows how far it got."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.imports import (
    KINDS,
    MAX_BYTES,
    MODES,
    ImportRefused,
    create_import,
    get_import,
    list_imports,
    parse_import,
)
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/settings/import"

_PROBLEMS = {
    "address": N_("계정 주소가 아닙니다 (예: minji 또는 minji@mastodon.example)."),
    "boolean": N_("예/아니요 칸에는 true나 false를 적어 주세요."),
    "unreadable": N_("CSV로 읽을 수 없는 줄입니다."),
    "not_utf8": N_("UTF-8 텍스트 파일이 아닙니다."),
    "too_large": N_("파일이 너무 큽니다 (2MB까지)."),
    "too_many_rows": N_("계정이 너무 많습니다 (7,500개까지)."),
    "empty": N_("파일에 계정 주소가 없습니다."),
    "no_file": N_("가져올 CSV 파일을 골라 주세요."),
}


def _refusal(exc: ImportRefused) -> str:
    problem = i18n.gettext_(_PROBLEMS.get(exc.code, N_("가져올 수 없는 파일입니다.")))
    if not exc.line:
        return problem
    return i18n.gettext_(N_("%(line)s번째 줄: %(problem)s"), line=exc.line, problem=problem) + (
        f" ({exc.value})" if exc.value else "")


async def _page(request: Request, viewer: Viewer, *, kind: str = "following", mode: str = "merge",
                error: str | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        recent = await list_imports(session, account=viewer.account)
    return render(request, "web/settings_import.html", status=status, section="import", kind=kind, mode=mode,
                  error=error, recent=recent)


@router.get(PAGE)
async def import_page(request: Request) -> Response:
    return await _page(request, await signed_in(request))


@router.post(PAGE)
async def start_import(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    kind = text_field(form, "kind", limit=20)
    mode = text_field(form, "mode", limit=20)
    kind = kind if kind in KINDS else "following"
    mode = mode if mode in MODES else "merge"
    upload = form.get("file")
    data, name = b"", ""
    if isinstance(upload, UploadFile):
        data, name = await upload.read(MAX_BYTES + 1), upload.filename or ""
    try:
        if not data:
            raise ImportRefused("no_file")
        rows = parse_import(data)
    except ImportRefused as exc:  # nothing is written for a file that cannot be read whole
        return await _page(request, viewer, kind=kind, mode=mode, error=_refusal(exc), status=422)
    async with ctx(request).db.write() as session:
        job = await create_import(session, account=viewer.account, kind=kind, mode=mode, rows=rows, file_name=name)
    return redirect(f"{PAGE}/{job.id}", notice="import_started")


@router.get(PAGE + "/{import_id}")
async def import_progress(request: Request, import_id: str) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        progress = await get_import(session, account=viewer.account, import_id=path_id(import_id))
    return render(request, "web/settings_import_progress.html", section="import", progress=progress)
