"""Lists on the web (`/lists`): making, renaming and deleting one's lists, a list's timeline and
members, and putting someone on a list from their profile. Every check (whose list it is, only
followed accounts as members, the title's rules) is the `lists` domain's, as for the API."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang import lists as domain
from madang.core.errors import Conflict, Invalid, NotFound
from madang.core.ids import parse_id_text
from madang.search.accounts import search_accounts
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_, gettext_
from madang.web.messages import describe
from madang.web.routes.common import ctx, page_of, path_id, redirect, safe_next, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.accounts import account_card
from madang.web.views.profiles import get_profile_account, relationship_to
from madang.web.views.statuses import status_cards

router = APIRouter()
# What a list timeline shows of members' replies to others (Mastodon's wording, in Korean).
POLICY_LABELS = {"followed": N_("내가 팔로우하는 사람에게 단 답글"), "list": N_("이 리스트 멤버에게 단 답글"),
                 "none": N_("답글은 보이지 않기")}
SEARCH_LIMIT = 10
MAX_QUERY = 100


def _title_error(exc: Invalid) -> str:
    """The domain's English refusal as a Korean sentence next to the title field."""
    if exc.message.startswith("Title can't be blank"):
        return gettext_(N_("리스트 이름을 입력해 주세요."))
    if exc.message.startswith("Title is too long"):
        return gettext_(N_("리스트 이름은 %(max)s자까지 쓸 수 있습니다."), max=domain.MAX_TITLE)
    if exc.message.startswith("You have reached the maximum number of lists"):
        return gettext_(N_("리스트는 %(max)s개까지 만들 수 있습니다."), max=domain.MAX_LISTS)
    if exc.field == "replies_policy":
        return gettext_(N_("답글 표시 방식을 목록에서 골라 주세요."))
    return describe(exc)


def _fields(form) -> dict:  # type: ignore[no-untyped-def]
    return {"title": text_field(form, "title"), "replies_policy": text_field(form, "replies_policy", limit=20),
            "exclusive": bool(form.get("exclusive"))}


async def _lists_page(request: Request, viewer: Viewer, *, form: dict | None = None, error: str | None = None,
                      status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        rows = await domain.list_lists(session, owner_id=viewer.account.id)
    return render(request, "web/lists.html", status=status, lists=rows, policies=POLICY_LABELS,
                  form=form or {"title": "", "replies_policy": "list", "exclusive": False}, error=error,
                  max_title=domain.MAX_TITLE)


@router.get("/lists")
async def lists_page(request: Request) -> Response:
    return await _lists_page(request, await signed_in(request))


@router.post("/lists")
async def create_list(request: Request) -> Response:
    viewer = await signed_in(request)
    fields = _fields(await checked_form(request))
    try:
        async with ctx(request).db.write() as session:
            row = await domain.create_list(session, owner_id=viewer.account.id, **fields)
    except Invalid as exc:
        return await _lists_page(request, viewer, form=fields, error=_title_error(exc), status=422)
    return redirect(f"/lists/{row.id}", notice="list_created")


async def _list_page(request: Request, viewer: Viewer, list_id: int, *, form: dict | None = None,
                     error: str | None = None, member_error: str | None = None, status: int = 200) -> Response:
    me = viewer.account.id
    page = page_of(request)
    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    async with ctx(request).db.read() as session:
        row = await domain.get_list(session, owner_id=me, list_id=list_id)  # another's list: 404
        rows = await domain.list_list_timeline(session, owner_id=me, list_id=row.id, page=page)
        cards = await status_cards(session, rows, me, context="home")
        members = [a for _, a in await domain.list_list_accounts(session, owner_id=me, list_id=row.id)]
        found = await search_accounts(session, query=query, viewer_id=me, limit=SEARCH_LIMIT, following=True) \
            if query else []
    member_ids = {a.id for a in members}
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/list.html", status=status, list=row, statuses=cards, older=older,
                  members=[account_card(a) for a in members],
                  found=[(account_card(a), a.id in member_ids) for a in found], query=query,
                  policies=POLICY_LABELS, max_title=domain.MAX_TITLE, error=error, member_error=member_error,
                  form=form or {"title": row.title, "replies_policy": row.replies_policy,
                                "exclusive": row.exclusive})


@router.get("/lists/{list_id}")
async def list_page(request: Request, list_id: str) -> Response:
    return await _list_page(request, await signed_in(request), path_id(list_id))


@router.post("/lists/{list_id}")
async def update_list(request: Request, list_id: str) -> Response:
    viewer = await signed_in(request)
    number = path_id(list_id)
    fields = _fields(await checked_form(request))
    try:
        async with ctx(request).db.write() as session:
            await domain.update_list(session, owner_id=viewer.account.id, list_id=number, **fields)
    except Invalid as exc:
        return await _list_page(request, viewer, number, form=fields, error=_title_error(exc), status=422)
    return redirect(f"/lists/{number}", notice="saved")


@router.post("/lists/{list_id}/delete")
async def delete_list(request: Request, list_id: str) -> Response:
    viewer = await signed_in(request)
    number = path_id(list_id)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await domain.delete_list(session, owner_id=viewer.account.id, list_id=number)
    return redirect("/lists", notice="deleted")


def _account_id(form) -> int | None:  # type: ignore[no-untyped-def]
    return parse_id_text(text_field(form, "account_id", limit=30))


@router.post("/lists/{list_id}/accounts/add")
async def add_member(request: Request, list_id: str) -> Response:
    viewer = await signed_in(request)
    number = path_id(list_id)
    form = await checked_form(request)
    account_id = _account_id(form)
    async with ctx(request).db.read() as session:
        await domain.get_list(session, owner_id=viewer.account.id, list_id=number)  # another's list: 404
    try:
        if account_id is None:
            raise NotFound("Record not found")
        async with ctx(request).db.write() as session:
            await domain.add_list_accounts(session, owner_id=viewer.account.id, list_id=number,
                                           account_ids=[account_id])
    except Conflict:
        pass  # already on the list (a second click): what was asked is so
    except (NotFound, Invalid):
        # The list is the viewer's, so the refusal is about the account: not one they follow.
        message = gettext_(N_("내가 팔로우하는 계정만 리스트에 넣을 수 있습니다."))
        return await _list_page(request, viewer, number, member_error=message, status=422)
    return redirect(safe_next(form.get("next"), f"/lists/{number}"), notice="list_member_added")


@router.post("/lists/{list_id}/accounts/remove")
async def remove_member(request: Request, list_id: str) -> Response:
    viewer = await signed_in(request)
    number = path_id(list_id)
    form = await checked_form(request)
    account_id = _account_id(form)
    async with ctx(request).db.write() as session:
        await domain.remove_list_accounts(session, owner_id=viewer.account.id, list_id=number,
                                          account_ids=[account_id] if account_id is not None else [])
    return redirect(safe_next(form.get("next"), f"/lists/{number}"), notice="list_member_removed")


@router.get("/@{username}/lists")
async def account_lists(request: Request, username: str) -> Response:
    """Which of my lists hold this account, with a button to put it on or take it off each."""
    viewer = await signed_in(request)
    me = viewer.account
    async with ctx(request).db.read() as session:
        account = await get_profile_account(session, username)
        rel = await relationship_to(session, me, account)
        rows = await domain.list_lists(session, owner_id=me.id)
        holding = {r.id for r in await domain.list_lists_containing(session, owner_id=me.id, account_id=account.id)}
    card = account_card(account)
    can_add = account.id == me.id or bool(rel and rel.following)
    return render(request, "web/account_lists.html", account=card, lists=[(r, r.id in holding) for r in rows],
                  can_add=can_add, next=f"{card['url']}/lists")

