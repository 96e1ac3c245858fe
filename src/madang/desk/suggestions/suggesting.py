"""Suggestions for a case: the organisation's past public answers and canned answers that best
match the question, each with the case it came from. Everything shown is a masked text (the
question's ``description_public``, the answer's ``answer_public``) with the past citizen's names
taken out (``terms.scrub_names``): personal data never travels from one case to another."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.desk.cases import get_case
from madang.desk.organisations import HANDLE, require_role
from madang.desk.suggestions.index import Hit, index_for, rank
from madang.desk.suggestions.terms import scrub_names, terms
from madang.desk.transitions import check_access
from madang.models import Account
from madang.models.desk import Case
from madang.models.desk_canned import CannedAnswer

LIMIT = 3


@dataclass(frozen=True)
class Suggestion:
    kind: str  # case | canned
    id: int
    title: str  # the case's number, or the canned answer's title
    question: str  # the past case's masked question ("" for a canned answer)
    text: str  # the answer as the public saw it (masked, names taken out)
    score: float
    match: float  # 0–1

    @property
    def source(self) -> str:
        return f"{self.kind}:{self.id}"


async def names_of(session: AsyncSession, case: Case) -> list[str | None]:
    """The citizen's names a case's texts may carry."""
    names: list[str | None] = [case.guest_name]
    if case.citizen_id is not None:
        citizen = await session.get(Account, case.citizen_id)
        if citizen is not None:
            names += [citizen.display_name, citizen.username, citizen.acct]
    return names


async def rank_for_case(session: AsyncSession, case: Case, *, limit: int = LIMIT) -> list[Suggestion]:
    """No permission check: for the automatic reply and for the use cases below, which check."""
    built = await index_for(session, case.organisation_id)
    if built is None:
        return []
    query = terms(scrub_names(case.description_public, await names_of(session, case)))
    hits = rank(built, query, limit=limit, exclude=("case", case.id))
    # The suggested cases and their citizens in two queries (not one a suggestion).
    ids = [h.id for h in hits if h.kind == "case"]
    if ids:
        pasts = list(await session.scalars(select(Case).where(Case.id.in_(ids))))
        citizens = {c.citizen_id for c in pasts if c.citizen_id is not None}
        if citizens:
            await session.scalars(select(Account).where(Account.id.in_(citizens)))  # into the identity map
    return [s for s in [await _suggestion(session, case.organisation_id, hit) for hit in hits] if s is not None]


async def _suggestion(session: AsyncSession, organisation_id: int, hit: Hit) -> Suggestion | None:
    if hit.kind == "canned":
        canned = await session.get(CannedAnswer, hit.id)
        if canned is None or canned.organisation_id != organisation_id:
            return None  # deleted since the index was built
        return Suggestion("canned", canned.id, canned.title, "", canned.text, hit.score, hit.match)
    past = await session.get(Case, hit.id)
    if past is None or past.organisation_id != organisation_id or not past.answer_public:
        return None
    names = await names_of(session, past)
    return Suggestion("case", past.id, past.number, scrub_names(past.description_public, names),
                      scrub_names(past.answer_public, names), hit.score, hit.match)


async def _case_for(session: AsyncSession, *, organisation: Account, staff: Account, case_id: int) -> Case:
    # Whoever may answer the case may be helped to (the roles and department boundary of answering).
    member = await require_role(session, organisation_id=organisation.id, account=staff, roles=HANDLE)
    case = await get_case(session, organisation_id=organisation.id, case_id=case_id)
    check_access(member, case, staff)
    return case


async def suggest_answers(
    session: AsyncSession, *, organisation: Account, staff: Account, case_id: int, limit: int = LIMIT,
) -> list[Suggestion]:
    """The best past answers and canned answers for the case, best first."""
    case = await _case_for(session, organisation=organisation, staff=staff, case_id=case_id)
    return await rank_for_case(session, case, limit=limit)


async def suggested_text(
    session: AsyncSession, *, organisation: Account, staff: Account, case_id: int, source: str,
) -> str:
    """The text of one suggestion (``case:<id>`` or ``canned:<id>``), to start the answer from."""
    await _case_for(session, organisation=organisation, staff=staff, case_id=case_id)
    kind, _, raw = source.partition(":")
    if kind not in ("case", "canned") or not raw.isdigit() or len(raw) > 20:
        raise NotFound("추천 답변을 찾을 수 없습니다", field="suggestion")
    found = await _suggestion(session, organisation.id, Hit(kind, int(raw), 0.0, 0.0))
    if found is None:
        raise NotFound("추천 답변을 찾을 수 없습니다", field="suggestion")
    return found.text


async def count_indexed(session: AsyncSession, *, organisation_id: int) -> int:
    from sqlalchemy import func

    from madang.models.desk_suggestions import SuggestionDoc

    return int(await session.scalar(select(func.count(SuggestionDoc.id))
                                    .where(SuggestionDoc.organisation_id == organisation_id)) or 0)
