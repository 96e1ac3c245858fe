"""A citizen's answer to the city's request for more information (보완요청), by replying to the
city: it is recorded on the waiting case at once (the clock starts again), instead of waiting
in the inbox for someone to connect it by hand.

The reply belongs to the citizen's case with this organisation that waits for them; with
several waiting, the one asked most recently (the notice they most likely answer)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.desk.transitions import record_citizen_reply
from madang.models import Account, Status
from madang.models.desk import Case
from madang.text.personal_data import mask_personal_data

NOTE_CHARACTERS = 100


async def reply_to_waiting_case(session: AsyncSession, *, status: Status, organisation: Account) -> Case | None:
    if status.in_reply_to_account_id != organisation.id:
        return None
    case = await session.scalar(
        select(Case).where(Case.organisation_id == organisation.id, Case.citizen_id == status.account_id,
                           Case.status == "waiting_for_citizen")
        .order_by(Case.waiting_since.desc(), Case.id.desc()).limit(1))
    if case is None:
        return None
    author = await session.get(Account, status.account_id)
    assert author is not None
    text = mask_personal_data(status.text)
    note = "시민 답글: " + (text if len(text) <= NOTE_CHARACTERS else text[:NOTE_CHARACTERS] + "…")
    return await record_citizen_reply(session, organisation=organisation, case_id=case.id, actor=author, note=note)
