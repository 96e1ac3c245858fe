"""The automatic first reply of a frequently asked category: when a case of a category whose
automatic reply is on is opened, a job (written in the case's unit) ranks the suggestions and,
when the best one's match reaches the office's threshold, sends it where the question came from
through the answer's own delivery, saying that it is automatic. The case stays open for a person
(its status does not move; the history shows the reply). One ``desk_auto_replies`` row per case,
written first with ON CONFLICT DO NOTHING, makes a job run twice send once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.db.dialect import insert_ignore
from madang.desk.answers import deliver_answer_text
from madang.desk.history import record_event
from madang.desk.suggestions.faq import find_faq_category
from madang.desk.suggestions.suggesting import rank_for_case
from madang.desk.transitions import OPEN
from madang.jobs import handler
from madang.models import Account
from madang.models.desk import Case
from madang.models.desk_suggestions import AutoReply
from madang.statuses.create import Site

AUTO_REPLY_JOB = "desk.suggestions.auto_reply"
HEADER = "[자동 답변] 자주 묻는 질문이라 먼저 자동으로 안내드립니다."
FOOTER = "담당자가 민원을 확인한 뒤 다시 답변드립니다."
_REPLIES = AutoReply.__table__


def auto_text(answer: str) -> str:
    return f"{HEADER}\n{answer}\n{FOOTER}"


@handler(AUTO_REPLY_JOB)
async def run_auto_reply(session: AsyncSession, payload: dict) -> None:
    case = await session.get(Case, int(payload["case_id"]))
    if case is not None:
        await send_auto_reply(session, site=Site(**payload["site"]), case=case)


async def send_auto_reply(session: AsyncSession, *, site: Site, case: Case) -> AutoReply | None:
    faq = await find_faq_category(session, organisation_id=case.organisation_id, category=case.category)
    if faq is None or not faq.auto_reply or case.status not in OPEN:
        return None  # switched off since, or a person was quicker
    suggestions = await rank_for_case(session, case, limit=1)
    best = suggestions[0] if suggestions else None
    match = best.match if best is not None else 0.0
    claimed = await session.execute(insert_ignore(session, _REPLIES).values(
        case_id=case.id, organisation_id=case.organisation_id, source=best.source if best else "none",
        score=match, sent=False, how="", status_id=None, at=utcnow()))
    if not claimed.rowcount:
        return None  # this job ran before: the reply went (or was refused) then
    row = await session.get(AutoReply, case.id)
    assert row is not None
    if best is None or match < faq.threshold:
        row.how = "기준 미달"
        await session.flush()
        return row
    organisation = await session.get(Account, case.organisation_id)
    assert organisation is not None
    try:
        # create_status refuses a text too long before it writes anything.
        posted, how, sent = await deliver_answer_text(session, site=site, organisation=organisation, case=case,
                                                      text=auto_text(best.text))
    except Invalid:
        row.how = "너무 긴 답변"  # the answer does not fit in a post: a person answers it
        await session.flush()
        return row
    row.sent, row.how, row.status_id = sent, how, posted.id if posted is not None else None
    if not sent:
        await session.flush()
        return row
    record_event(session, case, actor_id=None, action="auto_reply", from_status=case.status,
                 from_department_id=case.department_id, from_assignee_id=case.assignee_id,
                 note=f"자동 답변 ({how}, 일치도 {round(match * 100)}%, {_source_label(best.kind, best.title)})")
    await session.flush()
    return row


def _source_label(kind: str, title: str) -> str:
    return f"민원 {title}" if kind == "case" else f"상용 답변 「{title}」"
