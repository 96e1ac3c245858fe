"""The office's records (/office/records): export an account, a hashtag or a case for a range of
days to a verifiable ZIP, and the log of past exports. Office admins and instance admins only.

The ZIP is built in a temporary file (rows stream from the database in batches) and sent from
there, then deleted: the request never holds the archive in memory."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from madang.core.clock import utcnow
from madang.core.errors import DomainError, Forbidden, NotFound
from madang.records import Scope, check_range, check_scope, export_records, exporting_organisation, list_exports
from madang.records.scopes import EXPORTERS
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.messages import describe
from madang.web.routes.common import ctx, signed_in
from madang.web.uploads import media_store
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
SCOPES = [("account", N_("계정")), ("tag", N_("해시태그")), ("case", N_("민원 번호"))]
_HANGUL = re.compile(r"[가-힣]")


def _say(exc: DomainError) -> str:
    return exc.message if _HANGUL.search(exc.message) else describe(exc)


def _not_exporter() -> Forbidden:
    # An unknown organisation is refused as a known one is: which role would open the page.
    return Forbidden("기록 내보내기 권한이 없습니다", needs=EXPORTERS)


def _org_param(value: object) -> str | None:
    return value[:40] if isinstance(value, str) and value else None


async def _page(request: Request, viewer: Viewer, org_name: str | None, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    try:
        async with ctx(request).db.read() as session:
            org = await exporting_organisation(session, actor=viewer.account, name=org_name)
            exports = await list_exports(session, organisation=org, actor=viewer.account)
    except (Forbidden, NotFound):
        raise _not_exporter() from None
    year = utcnow().astimezone(ZoneInfo(ctx(request).settings.time_zone)).year
    values = values or {"scope": "account", "value": org.username, "from": f"{year}-01-01", "to": f"{year}-12-31"}
    return render(request, "web/office_records.html", status=status, org=org, exports=exports, scopes=SCOPES,
                  values=values, errors=errors or {})


@router.get("/office/records")
async def records_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return await _page(request, viewer, _org_param(request.query_params.get("org")))


def _day(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = gettext_("날짜는 2026-11-01처럼 연-월-일로 적어 주세요.")
        return None


@router.post("/office/records/export")
async def export_archive(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = _org_param(text_field(form, "org", limit=40))
    values = {"scope": text_field(form, "scope", limit=10), "value": text_field(form, "value", limit=201),
              "from": text_field(form, "from", limit=40).strip(), "to": text_field(form, "to", limit=40).strip()}
    try:
        async with ctx(request).db.read() as session:
            org = await exporting_organisation(session, actor=viewer.account, name=org_name)
    except (Forbidden, NotFound):
        raise _not_exporter() from None
    errors: dict[str, str] = {}
    date_from = _day(values["from"], "from", errors)
    date_to = _day(values["to"], "to", errors)
    scope: Scope | None = None
    try:
        scope = check_scope(values["scope"], values["value"])
        if not errors:
            check_range(date_from, date_to)
    except DomainError as exc:
        errors[exc.field or "value"] = _say(exc)
    if errors or scope is None:
        return await _page(request, viewer, org_name, values=values, errors=errors, status=422)
    settings = ctx(request).settings
    fd, path = tempfile.mkstemp(prefix="madang-records-", suffix=".zip")
    try:
        with os.fdopen(fd, "w+b") as out:
            result = await export_records(ctx(request).db, organisation=org.username, scope=scope,
                                          date_from=date_from, date_to=date_to, actor_id=viewer.account.id, out=out,
                                          store=media_store(request), time_zone=settings.time_zone)
    except DomainError as exc:
        os.unlink(path)
        # The scope names nothing to export (an unknown tag or case, a citizen's account).
        return await _page(request, viewer, org_name, values=values, errors={exc.field or "value": _say(exc)},
                           status=422)
    except BaseException:
        os.unlink(path)
        raise
    headers: dict[str, Any] = {"Cache-Control": "private, no-store", "X-Manifest-SHA256": result.manifest_sha256}
    return FileResponse(path, media_type="application/zip", filename=result.file_name, headers=headers,
                        background=BackgroundTask(os.unlink, path))
