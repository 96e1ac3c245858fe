"""Answering a case where the question came from, with personal data kept out of public view;
and the citizen's satisfaction rating afterwards.

- A public mention gets a public reply from the organisation, masked (text.personal_data). When
  the citizen's own post carries personal data, the full answer goes by direct message and the
  public reply keeps to the masked text (민원처리법 제7조).
- A direct message gets a direct message; a citizen who came by the web, phone, a visit or
  Open311 with an account gets one too; a guest gets e-mail (with nothing to send to, the answer
  is only recorded: the officer who logged a phone call calls back).
The post is the organisation's; the history entry names the staff member who wrote it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid
from madang.desk.durations import note_first_response, note_resolution
from madang.desk.cases import get_case_for_citizen
from madang.desk.history import record_event
from madang.desk.notices import direct_message, notice_text, notify_citizen
from madang.desk.privacy import public_text
from madang.desk.transitions import apply_change, load_for, required_text
from madang.jobs import enqueue
from madang.mail import send_mail
from madang.models import Account, Status
from madang.models.desk import Case
from madang.statuses.create import Site, create_status


def mask(text: str) -> str:
    from madang.text.personal_data import mask_personal_data  # D4's module; imported when first used

    return mask_personal_data(text)


def carries_personal_data(text: str) -> bool:
    from madang.text.personal_data import has_personal_data

    return has_personal_data(text)


async def answer_case(
    session: AsyncSession, *, site: Site, organisation: Account, case_id: int, staff: Account, text: str,
) -> Case:
    case, _ = await load_for(session, organisation=organisation, case_id=case_id, staff=staff, action="answer")
    text = required_text(text, "답변", "text")
    posted, how, masked, citizen = await _send(session, site=site, organisation=organisation, case=case, text=text)
    before = (case.status, case.department_id, case.assignee_id)
    case.answer_private = text
    case.answer_public = masked
    case.answer_status_id = posted.id if posted is not None else None
    case.answered_at = utcnow()
    await note_first_response(session, case, case.answered_at)
    await note_resolution(session, case, case.answered_at)
    case.status = "answered"
    apply_change(session, case, staff, "answer", before, how)
    # The answer joins the suggestions (desk.suggestions.indexing; by name: that package reads this one).
    await enqueue(session, "desk.suggestions.index_case", {"case_id": case.id})
    if citizen is not None:
        # The request for a rating (the answer itself went where the question came from).
        await notify_citizen(session, site=site, organisation=organisation, case=case, what="answered")
    await session.flush()
    return case


async def deliver_answer_text(
    session: AsyncSession, *, site: Site, organisation: Account, case: Case, text: str,
) -> tuple[Status | None, str, bool]:
    """``text`` sent where the case's question came from, as ``answer_case`` sends an answer (masked
    in public), without moving the case: the automatic first reply (desk.suggestions). Returns the
    post, how it went, and whether anything was sent (False: no way to reach the citizen)."""
    posted, how, _, _ = await _send(session, site=site, organisation=organisation, case=case, text=text)
    return posted, how, posted is not None or how == "이메일"


async def _send(
    session: AsyncSession, *, site: Site, organisation: Account, case: Case, text: str,
) -> tuple[Status | None, str, str, Account | None]:
    """``text`` masked for the public and delivered where the question came from: (the post, how,
    the masked text, the citizen)."""
    masked = await public_text(session, organisation_id=organisation.id, text=text, department_id=case.department_id)
    citizen = await session.get(Account, case.citizen_id) if case.citizen_id else None
    source = await session.get(Status, case.source_status_id) if case.source_status_id else None
    if source is not None and source.deleted_at is not None:
        source = None
    posted, how = await _deliver(session, site=site, organisation=organisation, case=case, citizen=citizen,
                                 source=source, text=text, masked=masked)
    return posted, how, masked, citizen


async def _deliver(
    session: AsyncSession, *, site: Site, organisation: Account, case: Case, citizen: Account | None,
    source: Status | None, text: str, masked: str,
) -> tuple[Status | None, str]:
    """Posts (or mails) the answer; returns the post that carries it publicly or privately, and how."""
    if citizen is not None and source is not None and case.channel == "mention" and source.visibility != "direct":
        private_copy = None
        if carries_personal_data(source.text):
            private_copy = await direct_message(session, site=site, organisation=organisation, citizen=citizen,
                                                text=f"[민원 {case.number}] {text}", cut=False)
        prefix = f"@{citizen.acct} "
        reply = await create_status(
            session, site=site, author=organisation, in_reply_to_id=source.id, visibility=source.visibility,
            text=prefix + masked)
        return reply, ("공개 답글(마스킹) + 개인 메시지" if private_copy is not None else "공개 답글")
    if citizen is not None:
        dm = await direct_message(session, site=site, organisation=organisation, citizen=citizen,
                                  text=f"[민원 {case.number}] {text}",
                                  in_reply_to_id=source.id if source is not None else None, cut=False)
        return dm, "개인 메시지"
    if case.guest_email:
        body = f"{text}\n\n{notice_text(case, 'answered')}"
        await send_mail(session, to=case.guest_email, subject=f"[{organisation.display_name or organisation.username}] "
                        f"민원 {case.number} 답변", body=body)
        return None, "이메일"
    return None, "기록만(연락처 없음)"


async def rate_case(
    session: AsyncSession, *, citizen: Account, case_id: int, rating: int, comment: str = "",
) -> Case:
    """The citizen's satisfaction with the answer: 1 to 5, with an optional comment; once."""
    case = await get_case_for_citizen(session, citizen=citizen, case_id=case_id)
    return await record_rating(session, case=case, actor_id=citizen.id, rating=rating, comment=comment)


async def record_rating(session: AsyncSession, *, case: Case, actor_id: int | None, rating: int,
                        comment: str = "") -> Case:
    """For surfaces that identify a guest by the link they were sent."""
    if case.status not in ("answered", "closed") or case.answered_at is None:
        raise Invalid("답변을 받은 민원만 평가할 수 있습니다", field="status")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise Invalid("만족도는 1부터 5까지입니다", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise Invalid("의견은 1000자까지 쓸 수 있습니다", field="comment")
    if case.rating is not None:
        raise Conflict("이미 평가한 민원입니다", field="rating")
    case.rating = rating
    case.rating_comment = comment or None
    case.rated_at = utcnow()
    record_event(session, case, actor_id=actor_id, action="rate", from_status=case.status,
                 from_department_id=case.department_id, from_assignee_id=case.assignee_id,
                 note=f"{rating}점" + (f": {mask(comment)}" if comment else ""))
    await session.flush()
    return case

