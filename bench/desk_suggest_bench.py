"""Answers suggested at the desk (issue 17): how often the right answer is among the top 3
suggestions, and how long suggesting takes per case with 100,000 past cases.

    .venv/bin/python bench/desk_suggest_bench.py [--cases 100000] [--rounds 5] [--database-url URL]
    .venv/bin/python bench/desk_suggest_bench.py --demo      # on the demo city, through the use cases

The data set (tests/desk/suggestions/city_answers.json, written for this, no real citizen data):
58 topics of a city's frequent questions, each with one answer, 2 past questions (the answered
cases the index holds) and 3–4 held-out questions (asked as new cases). A held-out question is
right when a case answered with its topic's answer is among the first three suggestions.

The big run adds generated past cases (the past questions and answers varied with greetings,
neighbourhoods and closing lines, the way 민원 are written) with executemany to a fresh SQLite file
(or the PostgreSQL database given), indexes their lemmas as the index job does, and times
``rank_for_case`` (lemmas of the question, BM25 over the whole organisation, the suggestions' rows
read) in a read unit per case, after the first build (whose time and memory are reported apart).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from madang.core.ids import new_id  # noqa: E402
from madang.db import Database  # noqa: E402
from madang.db.migrate import upgrade  # noqa: E402
from madang.models.desk import Case  # noqa: E402
from madang.models.desk_suggestions import SuggestionDoc  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "desk" / "suggestions" / "city_answers.json"
PREFIXES = ["", "안녕하세요. ", "문의드립니다. ", "{dong}에 사는 주민입니다. ", "시청에 여쭤봅니다. ", "급하게 여쭙니다. ",
            "{dong} 주민인데요, "]
SUFFIXES = ["", " 답변 부탁드립니다.", " 빠른 확인 부탁드려요.", " 감사합니다.", " 알려 주시면 고맙겠습니다."]
DONGS = ["평촌동", "석수동", "비산동", "호계동", "관양동", "박달동", "부흥동", "달안동", "귀인동", "범계동"]
ANSWER_PREFIXES = ["", "안녕하세요, 마당시입니다. ", "문의해 주셔서 감사합니다. ", "답변드립니다. "]
ANSWER_SUFFIXES = ["", " 더 궁금하신 점은 민원콜센터 120으로 연락 주세요.", " 감사합니다.", " 불편을 드려 죄송합니다."]


def load_set() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))["topics"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Lemmas:
    """Lemmas of the pieces a generated case is made of, each analysed once."""

    def __init__(self) -> None:
        from madang.desk.suggestions.terms import terms

        self.terms = terms
        self.cache: dict[str, list[str]] = {}
        self.hashes: dict[str, int] = {}

    def hashed(self, answer: str) -> int:
        from madang.desk.suggestions.terms import answer_hash

        if answer not in self.hashes:
            self.hashes[answer] = answer_hash(answer)
        return self.hashes[answer]

    def __call__(self, *pieces: str) -> list[str]:
        out: list[str] = []
        for piece in pieces:
            if piece not in self.cache:
                self.cache[piece] = self.terms(piece)
            out.extend(self.cache[piece])
        return out


async def make_org(db: Database) -> tuple[int, int]:
    from madang.desk.organisations import add_staff
    from tests.factories import make_account

    async with db.write() as s:
        org = await make_account(s, username="madangsi", organisation=True, display_name="마당시")
        staff = await make_account(s, username="desk_admin")
        await add_staff(s, organisation=org, account=staff, role="office_admin")
        return org.id, staff.id


def case_row(org_id: int, n: int, question: str, answer: str, at: datetime) -> dict:
    return {"id": new_id(), "organisation_id": org_id, "number": f"{2020 + n // 900_000}-{n % 900_000 + 1:06d}",
            "channel": "web", "kind": "question_procedure", "category": None, "description": question,
            "description_public": question, "answer_public": answer, "answer_private": answer,
            "received_at": at, "due_at": at + timedelta(days=7), "status": "answered", "answered_at": at,
            "created_at": at, "updated_at": at}


async def seed(db: Database, org_id: int, topics: list[dict], extra: int, lemmas: Lemmas, start: int = 0
               ) -> dict[int, str]:
    """The past cases: each topic's past questions as they are, then ``extra`` varied ones.
    Returns case id -> topic."""
    rng = random.Random(17)
    topic_of: dict[int, str] = {}
    now = datetime.now(timezone.utc)
    pasts = [(t, q) for t in topics for q in t["past"]]
    rows, docs = [], []
    total = len(pasts) + extra
    for n in range(total):
        topic, question = pasts[n % len(pasts)]
        answer = topic["answer"]
        q_parts, a_parts = [question], [answer]
        if start or n >= len(pasts):
            dong = rng.choice(DONGS)
            q_parts = [rng.choice(PREFIXES).format(dong=dong), question, rng.choice(SUFFIXES)]
            a_parts = [rng.choice(ANSWER_PREFIXES), answer, rng.choice(ANSWER_SUFFIXES)]
        row = case_row(org_id, start + n, "".join(q_parts), "".join(a_parts), now - timedelta(minutes=total - n))
        rows.append(row)
        topic_of[row["id"]] = topic["id"]
        docs.append({"id": new_id(), "organisation_id": org_id, "case_id": row["id"],
                     "lemmas": " ".join(lemmas(*q_parts, *a_parts)), "answer_hash": lemmas.hashed(row["answer_public"]),
                     "indexed_at": now})
        if len(rows) == 5000 or n == total - 1:
            async with db.write() as s:
                await s.execute(insert(Case.__table__), rows)
                await s.execute(insert(SuggestionDoc.__table__), docs)
            rows, docs = [], []
    return topic_of


async def evaluate(db: Database, org_id: int, topics: list[dict], topic_of: dict[int, str], rounds: int
                   ) -> dict[str, float]:
    from madang.desk.suggestions.suggesting import rank_for_case

    questions = [(t["id"], q) for t in topics for q in t["held_out"]]
    top1 = top3 = 0
    timings: list[float] = []
    best: list[tuple[float, bool]] = []  # the first suggestion's match, and whether it was right
    for r in range(rounds):
        for topic, question in questions:
            case = Case(id=0, organisation_id=org_id, description_public=question, guest_name=None, citizen_id=None)
            t0 = time.perf_counter()
            async with db.read() as s:
                found = await rank_for_case(s, case)
            timings.append((time.perf_counter() - t0) * 1000)
            if r == 0:
                right = [topic_of.get(f.id) == topic for f in found if f.kind == "case"]
                top1 += bool(right[:1] and right[0])
                top3 += any(right[:3])
                if found:
                    best.append((found[0].match, bool(right[:1] and right[0])))
    timings.sort()
    # What an automatic reply at each threshold would do: how many questions it answers, and how
    # many of those answers are the right one.
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        sent = [right for match, right in best if match >= threshold]
        print(f"    threshold {threshold:.0%}: sent for {len(sent) / len(questions):.1%} of questions, "
              f"right {sum(sent) / len(sent) if sent else 0:.1%} of those")
    return {"questions": len(questions), "top1": top1 / len(questions), "top3": top3 / len(questions),
            "samples": len(timings), "p50_ms": statistics.median(timings),
            "p99_ms": timings[int(0.99 * (len(timings) - 1))], "max_ms": timings[-1]}


async def first_build(db: Database, org_id: int) -> tuple[float, float]:
    from madang.desk.suggestions.index import forget_indexes, index_for

    forget_indexes()
    before = rss_mb()
    t0 = time.perf_counter()
    async with db.read() as s:
        await index_for(s, org_id)
    return time.perf_counter() - t0, rss_mb() - before


async def run(url: str, extra: int, rounds: int) -> None:
    topics = load_set()
    db = Database(url)
    org_id, _ = await make_org(db)
    lemmas = Lemmas()
    lemmas("준비")  # the analyser's model loads here, not in a timing
    t0 = time.perf_counter()
    topic_of = await seed(db, org_id, topics, 0, lemmas)
    print(f"past cases: {len(topic_of)} (the data set's own)")
    build, grown = await first_build(db, org_id)
    small = await evaluate(db, org_id, topics, topic_of, rounds)
    print(f"  first build {build * 1000:.0f} ms; {json.dumps(small, ensure_ascii=False)}")
    if extra:
        t0 = time.perf_counter()
        topic_of |= await seed(db, org_id, topics, extra, lemmas, start=len(topic_of))
        print(f"past cases: {len(topic_of)} (seeded in {time.perf_counter() - t0:.0f} s)")
        build, grown = await first_build(db, org_id)
        big = await evaluate(db, org_id, topics, topic_of, rounds)
        print(f"  first build {build:.1f} s, index memory +{grown:.0f} MB; {json.dumps(big, ensure_ascii=False)}")
    await db.dispose()


async def run_demo(url: str, rounds: int) -> None:
    """The demo city (@anyanglove, its desk and staff, as `madang demo load` makes it), with the data
    set's past questions opened and answered through the desk's use cases (and the index job), then
    the held-out questions, and the demo's own questions to the city, asked as new cases."""
    from madang.app import register_jobs
    from madang.core.settings import Settings
    from madang.demo.loader import load_demo
    from madang.desk.answers import answer_case
    from madang.desk.cases import log_case
    from madang.desk.organisations import get_organisation
    from madang.desk.suggestions.suggesting import rank_for_case
    from madang.jobs import Worker
    from madang.models import Account, Status
    from madang.models.desk import StaffMember
    from sqlalchemy import select
    from tests.factories import SITE

    register_jobs()
    db = Database(url)
    await load_demo(db, Settings())
    await Worker(db).run_until_idle()
    topics = load_set()
    topic_of: dict[int, str] = {}
    async with db.write() as s:
        org = await get_organisation(s, "anyanglove")
        admin_id = await s.scalar(select(StaffMember.account_id).where(StaffMember.organisation_id == org.id,
                                                                       StaffMember.role == "office_admin"))
        staff = await s.get(Account, admin_id)
        for topic in topics:
            for question in topic["past"]:
                case = await log_case(s, site=SITE, organisation=org, staff=staff, channel="phone",
                                      kind="question_procedure", description=question)
                await answer_case(s, site=SITE, organisation=org, case_id=case.id, staff=staff, text=topic["answer"])
                topic_of[case.id] = topic["id"]
    await Worker(db).run_until_idle()  # the index jobs
    result = await evaluate(db, org.id, topics, topic_of, rounds)
    print(f"demo city, {len(topic_of)} past cases answered through the use cases: "
          f"{json.dumps(result, ensure_ascii=False)}")
    async with db.read() as s:
        posts = list(await s.scalars(select(Status).where(Status.text.like("%@anyanglove%"))))
        for post in posts:
            case = Case(id=0, organisation_id=org.id, description_public=post.text, guest_name=None, citizen_id=None)
            found = await rank_for_case(s, case)
            best = f"{topic_of.get(found[0].id)} ({found[0].match:.0%})" if found else "-"
            print(f"  demo post {post.text[:40]!r}… → {best}")
    await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000, help="generated past cases besides the set's own")
    parser.add_argument("--rounds", type=int, default=5, help="times each held-out question is timed")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--demo", action="store_true", help="measure on the demo city instead")
    args = parser.parse_args()
    if args.demo:
        path = Path(tempfile.mkdtemp(prefix="madang-suggest-demo-")) / "demo.db"
        upgrade(f"sqlite+aiosqlite:///{path}")
        asyncio.run(run_demo(f"sqlite+aiosqlite:///{path}", args.rounds))
        return
    url = args.database_url
    if url is None:
        path = Path(tempfile.mkdtemp(prefix="madang-suggest-")) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
    asyncio.run(run(url, args.cases, args.rounds))


if __name__ == "__main__":
    main()
