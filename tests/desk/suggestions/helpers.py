"""A desk with answered past cases for the suggestion tests: the held-out data set's past
questions opened and answered through the desk's own use cases, then indexed by the job."""

from __future__ import annotations

import json
from pathlib import Path

from madang.db import Database
from madang.desk.answers import answer_case
from madang.desk.cases import log_case
from madang.desk.suggestions.index import forget_indexes
from madang.models.desk import Case
from tests.desk.city import SITE, City
from tests.factories import register_jobs

DATA = Path(__file__).with_name("city_answers.json")


def topics() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))["topics"]


async def index_jobs(db: Database) -> None:
    """The worker's run of the index jobs (desk.suggestions.index_case), with the analyser's model
    loaded first: its load takes seconds on a busy machine, longer than one job's usual share."""
    from madang.desk.suggestions.terms import terms
    from madang.jobs import Worker

    terms("준비")
    register_jobs()
    await Worker(db).run_until_idle(timeout=300)


async def answered(db: Database, city: City, question: str, answer: str, **kw: object) -> Case:
    async with db.write() as s:
        case = await log_case(s, site=SITE, organisation=city.org, staff=city.admin, channel="phone",
                              kind="question_procedure", description=question, **kw)  # type: ignore[arg-type]
        return await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.admin, text=answer)


async def answer_the_past(db: Database, city: City, only: int | None = None) -> dict[int, str]:
    """Case id -> topic id, for every past question of the set (or the first ``only`` topics)."""
    forget_indexes()  # a process-wide cache: each test's database is a new one
    topic_of: dict[int, str] = {}
    async with db.write() as s:
        for topic in topics()[:only]:
            for question in topic["past"]:
                case = await log_case(s, site=SITE, organisation=city.org, staff=city.admin, channel="phone",
                                      kind="question_procedure", description=question)
                await answer_case(s, site=SITE, organisation=city.org, case_id=case.id, staff=city.admin,
                                  text=topic["answer"])
                topic_of[case.id] = topic["id"]
    await index_jobs(db)
    return topic_of
