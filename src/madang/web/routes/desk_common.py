"""What the desk pages share: whose desk a staff member works at, Korean refusals, due dates."""

from __future__ import annotations

import re
from urllib.parse import quote
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from starlette.requests import Request

from madang.core.errors import DomainError
from madang.desk.deadlines import KIND_LABELS
from madang.desk.queries import Membership, memberships
from madang.desk.transitions import OPEN, STATUS_LABELS
from madang.web import i18n
from madang.web.i18n import N_, gettext_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx
from madang.web.viewer import Viewer

SEOUL = ZoneInfo("Asia/Seoul")
_HANGUL = re.compile(r"[가-힣]")

# The domain's Korean labels, marked here so the English catalog carries them too.
_LABELS = [N_("접수"), N_("배정"), N_("처리 중"), N_("보완 요청 중"), N_("답변 완료"), N_("종결"), N_("이관"), N_("병합"),
           N_("질의민원(법령 해석)"), N_("질의민원(제도·절차 설명)"), N_("건의민원"), N_("고충민원"), N_("기타민원")]
CHANNEL_LABELS = {"mention": N_("멘션"), "direct": N_("개인 메시지"), "web": N_("웹 양식"), "phone": N_("전화"),
                  "visit": N_("방문"), "open311": N_("Open311 앱")}
EVENT_LABELS = {"opened": N_("접수"), "assign": N_("배정"), "start": N_("처리 시작"), "ask_citizen": N_("보완 요청"),
                "citizen_replied": N_("보완 접수"), "answer": N_("답변"), "close": N_("종결"), "transfer": N_("이관"),
                "merge": N_("병합"), "extend": N_("기한 연장"), "rate": N_("만족도 평가")}
EVENT_LABELS["auto_reply"] = N_("자동 답변")  # issue 17: a frequently asked category's first reply



def say(exc: DomainError) -> str:
    """The desk speaks Korean already; other refusals go through the web's table."""
    return exc.message if _HANGUL.search(exc.message) else describe(exc)


def status_label(status: str) -> str:
    return gettext_(STATUS_LABELS.get(status, status))


def kind_label(kind: str) -> str:
    return gettext_(KIND_LABELS.get(kind, kind))


def kind_choices() -> list[tuple[str, str]]:
    return [(k, gettext_(v)) for k, v in KIND_LABELS.items()]


def due_text(due: datetime, now: datetime, status: str) -> str:
    """The due date in words, never in colour alone: D-2, 3시간 남음, 기한 지남."""
    if status not in OPEN:
        return ""
    if status == "waiting_for_citizen":
        return gettext_("기한 멈춤(보완 대기)")
    left = (due - now).total_seconds()
    if left < 0:
        return gettext_("기한 지남")
    if left < 3600:
        return gettext_("%(n)s분 남음", n=max(1, int(left // 60)))
    if left < 86400:
        return gettext_("%(n)s시간 남음", n=int(left // 3600))
    days = (due.astimezone(SEOUL).date() - now.astimezone(SEOUL).date()).days
    return gettext_("D-%(n)s", n=days)


def due_state(due: datetime, now: datetime, status: str) -> str:
    """A class name for the same fact (the text above carries it without colour)."""
    if status not in OPEN or status == "waiting_for_citizen":
        return "paused"
    left = (due - now).total_seconds()
    return "late" if left < 0 else "soon" if left < 86400 else "later"


def due_when(due: datetime) -> str:
    """`3월 17일 오후 6시` in Seoul (minutes only when they are not zero)."""
    local = due.astimezone(SEOUL)
    locale = i18n.current_locale()
    if locale == "ko":
        pattern = "M월 d일 aaaa h시" + (" m분" if local.minute else "")
    else:
        pattern = "MMM d, h:mm a"
    return format_datetime(local, pattern, tzinfo=SEOUL, locale=locale)


async def staff_desk(request: Request, viewer: Viewer) -> Membership:
    """The desk the signed-in staff member works at (`?org=` picks one of several); 403 otherwise."""
    async with ctx(request).db.read() as session:
        found = await memberships(session, account=viewer.account)
    if not found:
        raise WebProblem(403, N_("민원 담당 직원만 볼 수 있는 페이지입니다."))
    request.state.desk_staff = True  # the nav shows the desk's link on its pages
    wanted = (request.query_params.get("org") or "").lstrip("@").lower()
    chosen = next((m for m in found if m.organisation.username.lower() == wanted), found[0])
    if len(found) > 1:
        # Links and forms carry the desk (templating.in_desk, desk_path); a list to switch.
        request.state.desk_org = chosen.organisation.username
        request.state.desks = [m.organisation for m in found]
    return chosen


def desk_path(request: Request, url: str) -> str:
    """``url`` at the desk being worked at (see templating.in_desk), for redirects."""
    org = getattr(request.state, "desk_org", None)
    if not org:
        return url
    path, _, fragment = url.partition("#")
    path += ("&" if "?" in path else "?") + "org=" + quote(org)
    return path + ("#" + fragment if fragment else "")


def page_number(request: Request) -> int:
    value = request.query_params.get("page") or "1"
    if not (value.isascii() and value.isdigit()) or len(value) > 6 or int(value) < 1:
        raise WebProblem(400, N_("페이지 주소가 올바르지 않습니다."))
    return int(value)


def first_words(text: str, limit: int = 40, *, masked: bool = False) -> str:
    """A list's title: the masked question's first words (``masked``: stored masked already)."""
    from madang.text.personal_data import mask_personal_data

    text = " ".join((text if masked else mask_personal_data(text or "")).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
