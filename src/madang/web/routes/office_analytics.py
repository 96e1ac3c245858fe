"""The office's analytics pages: an organisation account's days over a range (followers, posts,
reactions, link clicks, the hours people engage), a post's days, and the days as CSV.

Charts are inline SVG drawn here from the numbers (classes from app.css, no inline style or
script, so the page's CSP holds), each followed by the same numbers as a table."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.analytics.boards import organisation_board, post_board
from madang.analytics.days import check_range, default_range, local_day
from madang.analytics.reading import CSV_HEADERS, csv_rows
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.web.i18n import N_, gettext_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, signed_in
from madang.web.templating import render
from madang.text.spreadsheets import csv_writer

router = APIRouter()

# Excel in Korea opens a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
CHART_WIDTH, CHART_HEIGHT = 720, 160


def _today(request: Request) -> date:
    return local_day(utcnow(), ZoneInfo(ctx(request).settings.time_zone))


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = gettext_("날짜는 2026-11-01처럼 연-월-일로 적어 주세요.")
        return None


def read_range(request: Request) -> tuple[dict[str, str], dict[str, str], date, date]:
    """The typed ``from`` and ``to`` (kept for the form), errors by field, and the range to
    show: the one asked for, or the last 30 Seoul days when it is missing or not valid."""
    default_start, default_end = default_range(_today(request))
    values = {"from": (request.query_params.get("from") or "").strip()[:40],
              "to": (request.query_params.get("to") or "").strip()[:40]}
    errors: dict[str, str] = {}
    start = _date(values["from"], "from", errors) if values["from"] else default_start
    end = _date(values["to"], "to", errors) if values["to"] else default_end
    if start is not None and end is not None:
        try:
            check_range(start, end)
        except Invalid as exc:
            errors[exc.field or "to"] = describe(exc)
    if errors or start is None or end is None:
        return values, errors, default_start, default_end
    return {"from": start.isoformat(), "to": end.isoformat()}, errors, start, end


def _org_param(request: Request) -> str | None:
    value = request.query_params.get("org")
    return value[:40] if value else None


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float


@dataclass
class Axes:
    """Tick marks for a chart: y as (pixels from the top, label), x as (percent of the width,
    label, text-anchor). Drawn in SVGs of their own beside the plot, which stretches to the page's
    width, so the labels keep their size and shape at 360 px as on a desktop."""
    y: list[tuple[float, str]]
    x: list[tuple[float, str, str]]


def _nice_step(span: float, count: int = 4) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def y_ticks(low: float, high: float, *, height: int = CHART_HEIGHT, flat_middle: bool = False) -> list[tuple[float, str]]:
    """Round-numbered ticks from ``low`` to ``high``, placed as ``bars`` and ``line`` place values."""
    if high == low:
        return [(height / 2 if flat_middle else height, f"{low:,.0f}")]
    step = _nice_step(high - low)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append((round(height - (value - low) / (high - low) * height, 2),
                      f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"))
        value += step
    return ticks


def x_ticks(labels: list[str], *, centred: bool, count: int = 5) -> list[tuple[float, str, str]]:
    """Up to ``count`` evenly spread labels; the first and last anchored so they stay inside."""
    n = len(labels)
    if n == 0:
        return []
    picks = sorted({round(i * (n - 1) / (count - 1)) for i in range(count)}) if n > 1 else [0]
    out = []
    for i in picks:
        if centred:
            percent = (i + 0.4) / n * 100  # the middle of a bar (bars leave a fifth as a gap)
        else:
            percent = i / max(n - 1, 1) * 100
        anchor = "start" if percent < 8 else "end" if percent > 92 else "middle"
        out.append((round(percent, 2), labels[i], anchor))
    return out


def _day_label(day: date) -> str:
    return f"{day.month}/{day.day}"


def bars(values: list[int], *, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> list[Bar]:
    """One bar a value, scaled to the largest; a gap between bars when there is room for one."""
    if not values:
        return []
    top = max(values) or 1
    step = width / len(values)
    gap = step * 0.2 if step >= 4 else 0
    return [Bar(round(i * step, 2), round(height - v / top * height, 2), round(step - gap, 2),
                round(v / top * height, 2)) for i, v in enumerate(values)]


def line(values: list[int | None], *, width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> str:
    """The points of a polyline; days not counted yet are skipped."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    # A flat line sits in the middle rather than on the floor.
    return " ".join(f"{round(i * step, 2)},{round(height / 2 if high == low else height - (v - low) / span * height, 2)}"
                    for i, v in enumerate(values) if v is not None)


@router.get("/office/analytics")
async def analytics_page(request: Request) -> Response:
    viewer = await signed_in(request)
    values, errors, start, end = read_range(request)
    async with ctx(request).db.read() as session:
        board = await organisation_board(session, staff=viewer.account, start=start, end=end,
                                         organisation=_org_param(request))
    summary = board.summary
    followers = [d.followers for d in summary.days]
    known = [v for v in followers if v is not None]
    days = [_day_label(d.day) for d in summary.days]
    interactions = [d.interactions for d in summary.days]
    return render(request, "web/office_analytics.html", status=422 if errors else 200, board=board,
                  summary=summary, values=values, errors=errors, org=_org_param(request),
                  follower_line=line(followers),
                  follower_axes=Axes(y_ticks(min(known), max(known), flat_middle=True) if known else [],
                                     x_ticks(days, centred=False)),
                  reaction_bars=bars(interactions),
                  reaction_axes=Axes(y_ticks(0, max(interactions, default=0) or 1), x_ticks(days, centred=True)),
                  hour_bars=bars(summary.hours),
                  hour_axes=Axes(y_ticks(0, max(summary.hours, default=0) or 1),
                                 x_ticks([gettext_("%(h)s시", h=h) for h in range(24)], centred=True)),
                  chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT)


@router.get("/office/analytics.csv")
async def analytics_csv(request: Request) -> Response:
    viewer = await signed_in(request)
    values, errors, start, end = read_range(request)
    if errors:
        raise WebProblem(422, next(iter(errors.values()), N_("날짜를 확인해 주세요.")))
    async with ctx(request).db.read() as session:
        board = await organisation_board(session, staff=viewer.account, start=start, end=end,
                                         organisation=_org_param(request))
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    writer.writerows(csv_rows(board.summary))
    filename = f"analytics-{board.organisation.username}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response((BOM + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@router.get("/office/analytics/posts/{status_id}")
async def post_page(request: Request, status_id: str) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        author, history = await post_board(session, staff=viewer.account, status_id=path_id(status_id))
    interactions = [c.interactions for _, c in history.days]
    return render(request, "web/office_analytics_post.html", author=author, history=history,
                  reaction_bars=bars(interactions),
                  reaction_axes=Axes(y_ticks(0, max(interactions, default=0) or 1),
                                     x_ticks([_day_label(d) for d, _ in history.days], centred=True)),
                  chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT)
