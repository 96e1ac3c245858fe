"""The desk's dashboard for staff: open cases, the overdue list, weekly response and resolution
times, and the same table as CSV for a spreadsheet."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Invalid
from madang.desk import stats
from madang.desk.services import service_names
from madang.web.i18n import N_, gettext_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, signed_in
from madang.web.templating import render
from madang.text.spreadsheets import csv_writer

router = APIRouter()

# Excel in Korea opens a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
CSV_HEADERS = ["구분", "주", "주 시작일", "부서 또는 분류", "접수 건수",
               "첫 응답 건수", "첫 응답 중앙값(근무시간)", "첫 응답 90백분위(근무시간)",
               "첫 응답 중앙값(시간)", "첫 응답 90백분위(시간)",
               "답변 건수", "답변 중앙값(근무시간)", "답변 90백분위(근무시간)",
               "답변 중앙값(시간)", "답변 90백분위(시간)"]


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = gettext_("날짜는 2026-11-01처럼 연-월-일로 적어 주세요.")
        return None


def read_range(request: Request) -> tuple[dict[str, str], dict[str, str], date | None, date | None]:
    """The typed ``from`` and ``to`` (kept for the form), errors by field, and the dates when valid;
    missing ones default to the last four weeks."""
    default_start, default_end = stats.default_range()
    values = {"from": (request.query_params.get("from") or "").strip()[:40],
              "to": (request.query_params.get("to") or "").strip()[:40]}
    errors: dict[str, str] = {}
    start = _date(values["from"], "from", errors) if values["from"] else default_start
    end = _date(values["to"], "to", errors) if values["to"] else default_end
    if start is not None and end is not None:
        try:
            stats.check_range(start, end)
        except Invalid as exc:
            errors[exc.field or "to"] = describe(exc)
    if errors:
        return values, errors, None, None
    values = {"from": start.isoformat(), "to": end.isoformat()}  # type: ignore[union-attr]
    return values, errors, start, end


def hours(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _org_param(request: Request) -> str | None:
    value = request.query_params.get("org")
    return value[:40] if value else None


@router.get("/desk/dashboard")
async def dashboard_page(request: Request) -> Response:
    viewer = await signed_in(request)
    values, errors, start, end = read_range(request)
    async with ctx(request).db.read() as session:
        board = await stats.dashboard(session, staff=viewer.account, start=start, end=end,
                                      organisation=_org_param(request))
        category_names = await service_names(session, organisation_id=board.organisation.id)
    biggest = max([n for _, _, n in board.counts.by_status] + [1])
    if len(board.desks) > 1:  # the overdue list's links open cases at this desk (templating.in_desk)
        request.state.desk_org = board.organisation.username
    return render(request, "web/desk_dashboard.html", status=422 if errors else 200, board=board,
                  values=values, errors=errors, hours=hours, biggest=biggest, org=_org_param(request),
                  category_names=category_names)


@router.get("/desk/dashboard.csv")
async def dashboard_csv(request: Request) -> Response:
    viewer = await signed_in(request)
    values, errors, start, end = read_range(request)
    if start is None or end is None:
        raise WebProblem(422, next(iter(errors.values()), N_("날짜를 확인해 주세요.")))
    async with ctx(request).db.read() as session:
        org, times = await stats.response_times_for(session, staff=viewer.account, start=start, end=end,
                                                    organisation=_org_param(request))
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for label, rows in (("부서", times.by_department), ("분류", times.by_category)):
        for row in rows:
            writer.writerow(_csv_row(label, row))
    filename = f"desk-{org.username}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response((BOM + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def _csv_row(label: str, row: stats.WeekRow) -> list[Any]:
    first, resolution = row.first_response.summary(), row.resolution.summary()
    return [label, row.week, row.monday.isoformat(), row.group, row.cases,
            row.responded, *(hours(first[k], 2) for k in ("median_working", "p90_working",
                                                            "median_calendar", "p90_calendar")),
            row.resolved, *(hours(resolution[k], 2) for k in ("median_working", "p90_working",
                                                                "median_calendar", "p90_calendar"))]
