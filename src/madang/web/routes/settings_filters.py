"""Settings: one's filters (keywords warned about or hidden, per context, until an expiry),
through the same use cases as /api/v2/filters; the pages only read the form and say in
Korean what the domain refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang import filters as domain
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import parse_id_text
from madang.filters.manage import MAX_KEYWORD, MAX_KEYWORDS, MAX_TITLE, FilterDetail
from madang.models.filters import CONTEXTS
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/settings/filters"
CONTEXT_LABELS = {"home": N_("홈 타임라인과 리스트"), "notifications": N_("알림"), "public": N_("공개 타임라인과 해시태그"),
                  "thread": N_("대화 (글과 답글)"), "account": N_("프로필")}
ACTION_LABELS = {"warn": N_("접어서 보이기 (필터 이름을 보여 주고, 누르면 펼침)"), "hide": N_("완전히 숨기기"),
                 "blur": N_("사진만 흐리게 (앱에서 만든 필터)")}
# Mastodon's choices; "never" and, when editing, "keep" (leave the expiry as it is).
EXPIRY_CHOICES = [("never", N_("만료 없음")), ("1800", N_("30분")), ("3600", N_("1시간")), ("21600", N_("6시간")),
                  ("43200", N_("12시간")), ("86400", N_("1일")), ("604800", N_("1주"))]
BLANK_ROWS = 3
_ROW = re.compile(r"^keyword_(\d{1,3})$")
# The domain speaks the API's English; these say it in Korean next to the field it names.
_MESSAGES = [
    ("title", "blank", N_("제목을 입력해 주세요."), 0), ("title", "too long", N_("제목은 %(n)s자까지 쓸 수 있습니다."), MAX_TITLE),
    ("context", "", N_("필터를 적용할 곳을 하나 이상 골라 주세요."), 0),
    ("filter_action", "", N_("필터에 걸린 글을 어떻게 할지 골라 주세요."), 0),
    ("expires_in", "", N_("만료 기간을 목록에서 골라 주세요."), 0),
    ("keyword", "blank", N_("키워드를 입력하거나 그 키워드의 ‘삭제’를 골라 주세요."), 0),
    ("keyword", "too long", N_("키워드는 %(n)s자까지 쓸 수 있습니다."), MAX_KEYWORD),
    ("keyword", "Too many", N_("키워드는 %(n)s개까지 둘 수 있습니다."), MAX_KEYWORDS),
    ("keywords_attributes", "", N_("키워드는 %(n)s개까지 둘 수 있습니다."), MAX_KEYWORDS),
    ("form", "maximum number", N_("필터를 더 만들 수 없습니다. 쓰지 않는 필터를 지워 주세요."), 0),
]


@dataclass
class KeywordRow:
    keyword: str = ""
    whole_word: bool = True
    id: str = ""  # an existing keyword's id, blank for a new one
    remove: bool = False


@dataclass
class FilterForm:
    title: str = ""
    contexts: list[str] = field(default_factory=lambda: ["home", "public", "thread"])
    action: str = "warn"
    expires: str = "never"
    rows: list[KeywordRow] = field(default_factory=list)


def _korean(exc: Invalid) -> tuple[str, str]:
    """(field, message) for the form: the field the domain named, in Korean."""
    name = exc.field or "form"
    for target, marker, message, limit in _MESSAGES:
        if name == target and marker in exc.message:
            return ("keyword" if name == "keywords_attributes" else name), gettext_(message, n=limit)
    return "form", gettext_("저장할 수 없습니다. (%(reason)s)", reason=exc.message)


def _read_form(form: FormData) -> FilterForm:
    rows: list[tuple[int, KeywordRow]] = []
    for key in form.keys():
        found = _ROW.match(key)
        if found and len(rows) < MAX_KEYWORDS + BLANK_ROWS:
            i = found.group(1)
            rows.append((int(i), KeywordRow(keyword=text_field(form, key, limit=1000), id=text_field(form, f"keyword_id_{i}", limit=30),
                                            whole_word=bool(form.get(f"whole_word_{i}")), remove=bool(form.get(f"remove_{i}")))))
    contexts = [c for c in form.getlist("context") if isinstance(c, str)]
    return FilterForm(title=text_field(form, "title", limit=1000), contexts=contexts,
                      action=text_field(form, "action", limit=20), expires=text_field(form, "expires_in", limit=20),
                      rows=[row for _, row in sorted(rows, key=lambda r: r[0])])


def _expires_in(choice: str, *, editing: bool) -> Any:
    if choice == "keep" and editing:
        return domain.KEEP
    if choice == "never":
        return None
    if choice in {value for value, _ in EXPIRY_CHOICES}:
        return int(choice)
    raise Invalid("Expires in is not one of the choices", field="expires_in")


def _changes(rows: list[KeywordRow]) -> list[domain.KeywordChange]:
    """A blank new row is a spare one and says nothing; an existing row may be changed or removed."""
    changes = []
    for row in rows:
        if not row.id:
            if row.keyword.strip() and not row.remove:
                changes.append(domain.KeywordChange(keyword=row.keyword, whole_word=row.whole_word))
            continue
        keyword_id = parse_id_text(row.id)
        if keyword_id is None:
            raise WebProblem(404, N_("찾을 수 없습니다."))
        changes.append(domain.KeywordChange(id=keyword_id, keyword=row.keyword, whole_word=row.whole_word,
                                            destroy=row.remove))
    return changes


def _form_of(detail: FilterDetail) -> FilterForm:
    f = detail.filter
    return FilterForm(title=f.title, contexts=f.contexts, action=f.action, expires="keep" if f.expires_at else "never",
                      rows=[KeywordRow(keyword=k.keyword, whole_word=k.whole_word, id=str(k.id)) for k in detail.keywords])


def _form_page(request: Request, values: FilterForm, *, filter_id: int | None = None, detail: FilterDetail | None = None,
               errors: dict[str, str] | None = None, status: int = 200, more: int = 0) -> Response:
    spare = sum(1 for r in values.rows if not r.id and not r.keyword.strip())
    rows = [*values.rows, *(KeywordRow() for _ in range(max(0, BLANK_ROWS - spare) + more))]
    return render(request, "web/settings_filter_form.html", status=status, values=values, rows=rows, errors=errors or {},
                  filter_id=filter_id, expires_at=detail.filter.expires_at if detail else None,
                  contexts=[(c, CONTEXT_LABELS[c]) for c in CONTEXTS],
                  actions=[(a, label) for a, label in ACTION_LABELS.items() if a != "blur" or values.action == "blur"],
                  expiry_choices=EXPIRY_CHOICES, section="filters")


@router.get(PAGE)
async def filters_page(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        rows = await domain.list_filters(session, owner_id=viewer.account.id)
    return render(request, "web/settings_filters.html", filters=rows, now=utcnow(), context_labels=CONTEXT_LABELS,
                  action_labels=ACTION_LABELS, section="filters")


@router.get(f"{PAGE}/new")
async def new_filter_page(request: Request) -> Response:
    await signed_in(request)
    return _form_page(request, FilterForm())


async def _detail(request: Request, viewer: Viewer, filter_id: int) -> FilterDetail:
    async with ctx(request).db.read() as session:
        return await domain.get_filter_detail(session, owner_id=viewer.account.id, filter_id=filter_id)


@router.post(PAGE)
async def create_filter(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    values = _read_form(form)
    if form.get("add_rows"):  # "키워드 칸 더 보기" without JavaScript: the same form, more rows, nothing saved
        return _form_page(request, values, more=BLANK_ROWS)
    try:
        changes = _changes(values.rows)
        if not changes:  # the web adds no posts to a filter: without a keyword it would do nothing
            raise Invalid("Keyword can't be blank", field="keyword")
        expires_in = _expires_in(values.expires, editing=False)
        async with ctx(request).db.write() as session:
            await domain.create_filter(session, owner_id=viewer.account.id, title=values.title, context=values.contexts,
                                       action=values.action, expires_in=expires_in, keywords=changes)
    except Invalid as exc:
        name, message = _korean(exc)
        return _form_page(request, values, errors={name: message}, status=422)
    return redirect(PAGE, notice="saved")


@router.get(PAGE + "/{filter_id}/edit")
async def edit_filter_page(request: Request, filter_id: str) -> Response:
    viewer = await signed_in(request)
    detail = await _detail(request, viewer, path_id(filter_id))
    return _form_page(request, _form_of(detail), filter_id=detail.filter.id, detail=detail)


@router.post(PAGE + "/{filter_id}")
async def update_filter(request: Request, filter_id: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    detail = await _detail(request, viewer, path_id(filter_id))  # someone else's: 404 before reading further
    values = _read_form(form)
    if form.get("add_rows"):
        return _form_page(request, values, filter_id=detail.filter.id, detail=detail, more=BLANK_ROWS)
    try:
        changes = _changes(values.rows)
        expires_in = _expires_in(values.expires, editing=True)
        async with ctx(request).db.write() as session:
            await domain.update_filter(session, owner_id=viewer.account.id, filter_id=detail.filter.id,
                                       title=values.title, context=values.contexts, action=values.action,
                                       expires_in=expires_in, keywords=changes)
    except Invalid as exc:
        name, message = _korean(exc)
        return _form_page(request, values, filter_id=detail.filter.id, detail=detail, errors={name: message}, status=422)
    return redirect(PAGE, notice="saved")


@router.post(PAGE + "/{filter_id}/delete")
async def delete_filter(request: Request, filter_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await domain.delete_filter(session, owner_id=viewer.account.id, filter_id=path_id(filter_id))
    return redirect(PAGE, notice="deleted")
