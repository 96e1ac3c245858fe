"""The notifications page (opening it marks them read) and the unread count in the nav.

Grouped as Mastodon 4.3's web groups them (the domain's groups, decision 0030; decision 0051):
two tabs, 전체 and 멘션 (``?tab=mentions``), and on 전체 kinds the reader hides
(``?exclude=favourite&exclude=reblog``: a GET form, nothing stored)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.follow_requests import count_follow_requests
from madang.notifications.browsing import Browse
from madang.notifications.groups import list_notification_groups
from madang.notifications.queries import count_unread
from madang.notifications.reading import mark_notifications_read, read_marker
from madang.web.i18n import N_
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, page_of, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer
from madang.web.views.notifications import notification_items

router = APIRouter()

TABS = ("all", "mentions")
# The kinds a reader may hide from 전체, in the order the form lists them (Mastodon's column settings).
HIDEABLE = ("favourite", "reblog", "follow", "follow_request", "mention", "status", "poll", "update")


async def note_unread(request: Request, viewer: Viewer) -> int:
    """Puts the viewer's unread notification count where base.html's nav reads it
    (``request.state.unread_notifications``); one indexed count."""
    known = getattr(request.state, "unread_notifications", None)
    if known is not None:  # load_viewer counted already
        return known
    async with ctx(request).db.read() as session:
        count = await count_unread(session, account_id=viewer.account.id, cap=100)
    request.state.unread_notifications = count
    return count


def _view_of(request: Request) -> tuple[str, tuple[str, ...]]:
    """``tab`` and ``exclude`` from the address; anything else is a 400 page."""
    tabs = request.query_params.getlist("tab")
    tab = tabs[0] if len(tabs) == 1 else "all" if not tabs else ""
    if tab not in TABS:
        raise WebProblem(400, N_("알림 탭은 전체 또는 멘션만 있습니다."))
    exclude = request.query_params.getlist("exclude")
    if any(kind not in HIDEABLE for kind in exclude):
        raise WebProblem(400, N_("숨길 수 없는 알림 종류입니다."))
    return tab, tuple(kind for kind in HIDEABLE if kind in exclude)


def _query(tab: str, exclude: tuple[str, ...], **more: str) -> str:
    pairs = ([("tab", tab)] if tab != "all" else []) + [("exclude", kind) for kind in exclude] + list(more.items())
    return "?" + urlencode(pairs) if pairs else ""


@router.get("/notifications")
async def notifications_page(request: Request) -> Response:
    viewer = await signed_in(request)
    page = page_of(request)
    tab, exclude = _view_of(request)
    browse = Browse(types=("mention",), every_kind=True) if tab == "mentions" else Browse(exclude_types=exclude,
                                                                                          every_kind=True)
    account_id = viewer.account.id
    async with ctx(request).db.read() as session:
        groups = await list_notification_groups(session, account_id=account_id, page=page, browse=browse)
        marker = await read_marker(session, account_id)
        items = await notification_items(session, groups, account_id)
        waiting = await count_follow_requests(session, account=viewer.account)
    newest = max((g.most_recent_id for g in groups), default=None)
    if page.max_id is None and newest is not None and (marker is None or newest > marker):
        # Seen now: what the reader has in front of them stops counting as unread (and what
        # they chose to hide, older than that, with it: one marker, as Mastodon's).
        async with ctx(request).db.write() as session:
            await mark_notifications_read(session, account_id=account_id, up_to_id=newest)
    request.state.unread_notifications = 0 if page.max_id is None else None
    if page.max_id is not None:
        await note_unread(request, viewer)
    older = _query(tab, exclude, max_id=str(groups[-1].notification.id)) if len(groups) >= page.limit else None
    return render(request, "web/notifications.html", items=items, older=older, read_up_to=marker or 0,
                  follow_requests_waiting=waiting, tab=tab, exclude=exclude, hideable=HIDEABLE,
                  all_url="/notifications" + _query("all", exclude),
                  mentions_url="/notifications" + _query("mentions", exclude),
                  here="/notifications" + _query(tab, exclude, **({"max_id": str(page.max_id)} if page.max_id else {})))
