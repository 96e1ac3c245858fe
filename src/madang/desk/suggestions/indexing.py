"""Writing an answered case into the suggestion index: the lemmas of its masked question and
answer, names taken out. A job enqueued by ``answers.answer_case`` in the answer's unit; cases
answered before this existed are indexed by ``madang desk-suggestions reindex``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
from madang.jobs import enqueue, handler
from madang.models.desk import Case
from madang.models.desk_suggestions import SuggestionDoc

INDEX_JOB = "desk.suggestions.index_case"
_DOCS = SuggestionDoc.__table__


async def enqueue_indexing(session: AsyncSession, case: Case) -> None:
    await enqueue(session, INDEX_JOB, {"case_id": case.id})


def case_terms(case: Case, names: list[str | None]) -> list[str]:
    from madang.desk.suggestions.terms import scrub_names, terms

    return terms(scrub_names(case.description_public, names), scrub_names(case.answer_public or "", names))


async def index_case(session: AsyncSession, case: Case) -> bool:
    """Idempotent: a case is indexed once (its answer is not edited afterwards)."""
    from madang.desk.suggestions.suggesting import names_of

    if not case.answer_public:
        return False
    from madang.desk.suggestions.terms import answer_hash, scrub_names

    names = await names_of(session, case)
    lemmas = " ".join(t for t in case_terms(case, names) if not any(c.isspace() for c in t))
    result = await session.execute(insert_ignore(session, _DOCS).values(
        id=new_id(), organisation_id=case.organisation_id, case_id=case.id, lemmas=lemmas,
        answer_hash=answer_hash(scrub_names(case.answer_public, names)), indexed_at=utcnow()))
    return bool(result.rowcount)


@handler(INDEX_JOB)
async def run_index_case(session: AsyncSession, payload: dict) -> None:
    case = await session.get(Case, int(payload["case_id"]))
    if case is not None:
        await index_case(session, case)


async def cases_to_index(session: AsyncSession, *, organisation_id: int | None, after: int, limit: int) -> list[Case]:
    """Answered cases without an index row, by id from ``after`` (a slice of the reindex)."""
    query = (select(Case).outerjoin(SuggestionDoc, SuggestionDoc.case_id == Case.id)
             .where(Case.answer_public.is_not(None), SuggestionDoc.id.is_(None), Case.id > after)
             .order_by(Case.id).limit(limit))
    if organisation_id is not None:
        query = query.where(Case.organisation_id == organisation_id)
    return list(await session.scalars(query))


async def reindex(db: object, *, organisation_id: int | None = None, slice_size: int = 200,
                  progress: Callable[[int], None] | None = None) -> int:
    """Indexes every answered case not yet indexed, a slice per unit (resumable: a stopped run
    starts again where it stopped, since indexed cases are skipped). Returns how many."""
    done, after = 0, 0
    while True:
        async with db.write() as session:  # type: ignore[attr-defined]
            cases = await cases_to_index(session, organisation_id=organisation_id, after=after, limit=slice_size)
            for case in cases:
                await index_case(session, case)
        if not cases:
            return done
        after = cases[-1].id
        done += len(cases)
        if progress is not None:
            progress(len(cases))
