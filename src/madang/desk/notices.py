"""Telling the citizen how their case goes: at receipt, at a request for more information, at a
transfer, with an interim notice (after 30 days, or when they ask) and at the answer.

A citizen with an account gets a direct message from the organisation (it arrives as a mention
notification, in their conversations, and by Web Push when subscribed); a guest gets an e-mail.
The message names the case number and, where it matters, the due date in Seoul time.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from madang.mail import send_mail
from madang.models import Account, Status
from madang.models.desk import Case
from madang.statuses.create import Site, create_status
from madang.text.counting import count_characters

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_text(moment: datetime) -> str:
    local = moment.astimezone(SEOUL)
    return f"{local.year}년 {local.month}월 {local.day}일 {local:%H:%M}"


def notice_text(case: Case, what: str, *, note: str = "", department_name: str = "") -> str:
    if what == "received":
        return f"[민원 {case.number}] 접수되었습니다. 처리 기한은 {seoul_text(case.due_at)}입니다."
    if what == "more_info":
        return f"[민원 {case.number}] 처리에 필요한 내용을 더 알려 주세요: {note}"
    if what == "transferred":
        return f"[민원 {case.number}] {department_name}(으)로 이관되었습니다. 처리 기한은 {seoul_text(case.due_at)}입니다."
    if what == "extended":
        return f"[민원 {case.number}] 처리 기한이 {seoul_text(case.due_at)}(으)로 연장되었습니다. 사유: {note}"
    if what == "interim":
        return (f"[민원 {case.number}] 처리 중입니다({note}). 답변 예정일은 {seoul_text(case.due_at)}입니다. "
                f"늦어져 죄송합니다.")
    if what == "answered":
        return f"[민원 {case.number}] 답변을 드렸습니다. 만족도를 1~5점으로 알려 주세요."
    raise ValueError(what)


def fit(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters as the server counts them, ending in an ellipsis."""
    if count_characters(text) <= limit:
        return text
    while text and count_characters(text + "…") > limit:
        text = text[:-1]
    return text + "…"


async def direct_message(
    session: AsyncSession, *, site: Site, organisation: Account, citizen: Account, text: str,
    in_reply_to_id: int | None = None, cut: bool = True,
) -> Status:
    """A direct message from the organisation to the citizen. A notice is cut to the server's
    limit; an answer (``cut=False``) is refused whole when too long rather than lose its end."""
    prefix = f"@{citizen.acct} "
    if cut:
        text = fit(text, site.max_characters - count_characters(prefix))
    return await create_status(session, site=site, author=organisation, visibility="direct", text=prefix + text,
                               in_reply_to_id=in_reply_to_id)


async def notify_citizen(
    session: AsyncSession, *, site: Site, organisation: Account, case: Case, what: str, note: str = "",
    department_name: str = "",
) -> None:
    text = notice_text(case, what, note=note, department_name=department_name)
    if case.citizen_id is not None:
        citizen = await session.get(Account, case.citizen_id)
        if citizen is not None and citizen.suspended_at is None:
            await direct_message(session, site=site, organisation=organisation, citizen=citizen, text=text)
    elif case.guest_email:
        await send_mail(session, to=case.guest_email, subject=f"[{organisation.display_name or organisation.username}] "
                        f"민원 {case.number}", body=text)
