"""From a parsed query to what the status search filters on: SQL clauses and text checks.

Clauses are built from bind parameters named by a ``Filters.key`` (the shape), so each
shape's statement is built once and cached, as the plain text search's are (decision 0008).
Dates are days of the instance's zone (Asia/Seoul by default): ``before:`` the start of the
day, ``after:`` the end of it, ``during:`` the day. Ids are time-ordered snowflakes, so a
date is also an id bound: the walk along a term's postings starts at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, not_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.queries import find_account_by_acct
from madang.core.ids import lowest_id_at
from madang.models import MediaAttachment, Poll, Status, StatusSearchTerm
from madang.search.phrases import contains_phrase
from madang.search.query_syntax import ParsedQuery
from madang.text.extraction import parse as parse_text
from madang.text.search_terms import query_terms

_TERMS = StatusSearchTerm.__table__


@dataclass
class Filters:
    """What a search filters on besides its terms; ``None`` from ``resolve`` means nothing can match."""

    author_id: int | None = None
    keys: list[str] = field(default_factory=list)  # clause names, in order: the statement's shape
    params: dict[str, Any] = field(default_factory=dict)
    since: datetime | None = None  # created_at >= since
    until: datetime | None = None  # created_at < until
    phrases: tuple[str, ...] = ()
    excluded_phrases: tuple[str, ...] = ()
    link: bool | None = None  # has:link (True) or -has:link (False), checked on the text

    @property
    def needs_text_check(self) -> bool:
        return bool(self.phrases or self.excluded_phrases or self.link is not None)

    def accepts(self, status: Status) -> bool:
        """The checks made on the stored text, after the index found the candidates."""
        texts = (status.text, status.spoiler_text)
        if not all(contains_phrase(p, *texts) for p in self.phrases):
            return False
        if any(contains_phrase(p, *texts) for p in self.excluded_phrases):
            return False
        return self.link is None or bool(parse_text(status.text or "").urls) == self.link


def _day_start(day: str, time_zone: str, *, plus: int = 0) -> datetime:
    start = datetime.combine(date.fromisoformat(day) + timedelta(days=plus), time.min, tzinfo=ZoneInfo(time_zone))
    return start.astimezone(ZoneInfo("UTC"))


async def resolve(session: AsyncSession, parsed: ParsedQuery, *, viewer_id: int, account_id: int | None,
                  local_domain: str | None, time_zone: str) -> Filters | None:
    f = Filters(author_id=account_id, phrases=parsed.phrases, excluded_phrases=parsed.excluded_phrases)
    excluded_authors: list[int] = []
    for op in parsed.operators:
        if op.name == "from":
            found = viewer_id if op.value == "me" else getattr(
                await find_account_by_acct(session, op.value, local_domain=local_domain), "id", None)
            if op.negated:
                if found is not None:
                    excluded_authors.append(found)
            elif found is None or (f.author_id is not None and f.author_id != found):
                return None  # nobody by that name, or two different authors at once
            else:
                f.author_id = found
        elif op.name == "has" and op.value == "link":
            if f.link is not None and f.link != (not op.negated):
                return None
            f.link = not op.negated
            if not op.negated:
                f.keys.append("maybe_link")  # narrows in SQL; the text check decides
        elif op.name in ("has", "is", "language"):
            key = f"{'-' if op.negated else ''}{op.name}:{op.value if op.name != 'language' else ''}"
            n = len(f.keys)
            f.keys.append(f"{key}#{n}")
            f.params[f"op{n}"] = op.value
        else:
            if not _narrow_dates(f, op.name, op.value, op.negated, time_zone):
                return None
    if excluded_authors:
        f.keys.append("not_authors")
        f.params["not_authors"] = excluded_authors
    for i, word in enumerate(parsed.excluded_words):
        groups = query_terms(word)
        if groups:
            f.keys.append(f"not_word{i}:{len(groups)}")
            f.params.update({f"x{i}_{j}": list(g) for j, g in enumerate(groups)})
    if f.since is not None:
        f.keys.append("since")
        f.params.update(since=f.since, since_id=lowest_id_at(f.since))
    if f.until is not None:
        f.keys.append("until")
        f.params.update(until=f.until, until_id=lowest_id_at(f.until))
    if f.since is not None and f.until is not None and f.since >= f.until:
        return None
    return f


def _narrow_dates(f: Filters, name: str, day: str, negated: bool, time_zone: str) -> bool:
    start, end = _day_start(day, time_zone), _day_start(day, time_zone, plus=1)
    if name == "during" and negated:
        n = len(f.keys)
        f.keys.append(f"not_during#{n}")
        f.params.update({f"op{n}_start": start, f"op{n}_end": end})
        return True
    # before:D is created_at < start(D); -before:D is its opposite, and so on.
    lower = {"after": end, "during": start}.get(name) if not negated else (start if name == "before" else None)
    upper = {"before": start, "during": end}.get(name) if not negated else (end if name == "after" else None)
    if lower is not None:
        f.since = max(f.since, lower) if f.since else lower
    if upper is not None:
        f.until = min(f.until, upper) if f.until else upper
    return True


def clause(key: str, id_column: Any) -> ColumnElement[bool]:
    """The SQL of one filter ``key`` (see ``Filters.keys``); ``id_column`` is the walk's key."""
    name, _, n = key.partition("#")
    negated = name.startswith("-")
    name = name.lstrip("-")
    value = bindparam(f"op{n}")
    condition: ColumnElement[bool]
    # An attachment an edit took off keeps its status_id (the history shows it) but loses its position.
    # Aliases: the walk itself may join polls or media_attachments (has: alone drives from them).
    media, polls = MediaAttachment.__table__.alias(), Poll.__table__.alias()
    if name == "has:media":
        condition = exists().where(media.c.status_id == Status.id, media.c.position.is_not(None))
    elif name == "has:poll":
        condition = exists().where(polls.c.status_id == Status.id)
    elif name.startswith("has:"):  # image, video, audio, gifv: the attachment's type
        condition = exists().where(media.c.status_id == Status.id, media.c.position.is_not(None),
                                   media.c.type == value)
    elif name == "is:reply":
        condition = Status.in_reply_to_id.is_not(None)
    elif name == "is:sensitive":
        condition = Status.sensitive.is_(True)
    elif name == "language:":
        condition = func.coalesce(Status.language, "") == value
    elif name == "maybe_link":
        return func.lower(Status.text).like("%http%://%")
    elif name == "not_authors":
        return Status.account_id.not_in(bindparam("not_authors", expanding=True))
    elif name == "since":
        return and_(id_column >= bindparam("since_id"), Status.created_at >= bindparam("since"))
    elif name == "until":
        return and_(id_column < bindparam("until_id"), Status.created_at < bindparam("until"))
    elif name == "not_during":
        return or_(Status.created_at < bindparam(f"op{n}_start"), Status.created_at >= bindparam(f"op{n}_end"))
    elif name.startswith("not_word"):
        i, _, count = name.removeprefix("not_word").partition(":")
        terms = []
        for j in range(int(count)):
            t = _TERMS.alias()
            terms.append(exists().where(t.c.status_id == id_column,
                                        t.c.term.in_(bindparam(f"x{i}_{j}", expanding=True))))
        return not_(and_(*terms))
    else:
        raise ValueError(f"unknown search filter {key!r}")
    return not_(condition) if negated else condition
