"""Reporting a post (신고) from the web: a form for the category, a comment and which of the
account's posts, filed with the same use case as the API's POST /api/v1/reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.ids import parse_id_text
from madang import moderation
from madang.core.errors import Invalid
from madang.models.moderation import REPORT_CATEGORIES
from madang.moderation.reports import draft_report
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, id_param, redirect, safe_next, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.statuses import status_cards

router = APIRouter()
CATEGORY_LABELS = {"spam": N_("스팸·광고"), "legal": N_("불법 콘텐츠"), "violation": N_("서버 규칙 위반"),
                   "other": N_("기타")}


def _ids(values: list[Any]) -> list[int]:
    ids = [parse_id_text(v) if isinstance(v, str) else None for v in values]
    if None in ids:
        raise WebProblem(400, N_("양식을 읽을 수 없습니다. 다시 시도해 주세요."))
    return ids  # type: ignore[return-value]


async def _form(request: Request, viewer: Viewer, *, status_id: int | None, account_id: int | None,
                values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        draft = await draft_report(session, reporter=viewer.account, status_id=status_id, account_id=account_id)
        cards = await status_cards(session, draft.statuses, viewer.account.id)
    return render(request, "web/report_new.html", status=status, target=draft.target, cards=cards, rules=draft.rules,
                  categories=[(c, CATEGORY_LABELS[c]) for c in REPORT_CATEGORIES], values=values, errors=errors,
                  status_id=status_id, next=values.get("next") or (cards[0]["url"] if status_id and cards else "/home"))


@router.get("/reports/new")
async def report_form(request: Request) -> Response:
    viewer = await signed_in(request)
    status_id, account_id = id_param(request, "status_id"), id_param(request, "account_id")
    if status_id is None and account_id is None:
        raise WebProblem(404, N_("찾을 수 없습니다."))
    values = {"category": "other", "comment": "", "status_ids": [status_id] if status_id else [], "rule_ids": [],
              "next": safe_next(request.query_params.get("next"), "")}
    return await _form(request, viewer, status_id=status_id, account_id=account_id, values=values, errors={})


@router.post("/reports")
async def file_report(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    account_id = _ids([text_field(form, "account_id", limit=20)])[0]
    from_status = text_field(form, "from_status_id", limit=20)
    values = {"category": text_field(form, "category", limit=20) or "other",
              "comment": text_field(form, "comment", limit=5000),
              "status_ids": _ids(form.getlist("status_ids")[:100]), "rule_ids": _ids(form.getlist("rule_ids")[:50]),
              "next": safe_next(form.get("next"), "/home")}
    try:
        async with ctx(request).db.write() as session:
            await moderation.file_report(session, reporter=viewer.account, target_account_id=account_id,
                                         status_ids=values["status_ids"], comment=values["comment"],
                                         category=values["category"], rule_ids=values["rule_ids"])
    except Invalid as exc:
        return await _form(request, viewer, status_id=_ids([from_status])[0] if from_status else None,
                           account_id=account_id, values=values, errors={exc.field or "form": describe(exc)},
                           status=422)
    return redirect(values["next"], notice="reported")
