"""Everything needed to show a batch of statuses, loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from madang.db.fast_select import FastSelect
from madang.media import load_media_for_statuses
from madang.media.custom_emojis import EmojiRef, decode_shortcodes, load_emojis, refs_for
from madang.models import Account, Application, MediaAttachment, Bookmark, Favourite, Mention, Status, StatusPin, StatusTag, Tag
from madang.models.accounts import AccountNames
from madang.statuses.polls import PollView, load_polls

# Built once, and run without the ORM (madang.db.fast_select): a timeline page runs these
# on every request, and the ORM's work around each costs several times the query.
_IDS = bindparam("ids", expanding=True)
_S, _A, _T = Status.__table__.c, Account.__table__.c, Tag.__table__.c
STATUSES = FastSelect(select(*_S).where(_S.id.in_(_IDS)), name="StatusRow", lists=["ids"])
ACCOUNTS = FastSelect(select(*_A).where(_A.id.in_(_IDS)), name="AccountRow", mixin=AccountNames, lists=["ids"])
MENTIONS = FastSelect(select(Mention.status_id, Mention.account_id).where(Mention.status_id.in_(_IDS))
                      .order_by(Mention.id), name="MentionRow", lists=["ids"])
TAGS = FastSelect(select(StatusTag.status_id, _T.id, _T.key, _T.name).join(Tag, Tag.id == StatusTag.tag_id)
                  .where(StatusTag.status_id.in_(_IDS)), name="TagRow", lists=["ids"])


@dataclass
class StatusView:
    status: Status
    account: Account
    reblog: StatusView | None = None
    mentions: list[Account] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    media: list[MediaAttachment] = field(default_factory=list)
    application: Application | None = None
    # Viewer-relative marks; None when nobody is signed in.
    favourited: bool | None = None
    reblogged: bool | None = None
    bookmarked: bool | None = None
    pinned: bool | None = None
    # Counts and the viewer's votes change without the status changing: never cached with it.
    poll: PollView | None = None
    # Custom emoji its text uses, and its author's (decision 0043); () for almost every post.
    emojis: tuple[EmojiRef, ...] = ()
    account_emojis: tuple[EmojiRef, ...] = ()


async def load_status_views(
    session: AsyncSession, statuses: Sequence[Status], viewer_id: int | None
) -> list[StatusView]:
    """Views in the order given; a boost's view carries its original's. Callers pass only
    what the viewer may see (the queries filter), so nothing is checked again here."""
    if not statuses:
        return []
    by_id = await _with_originals(session, statuses)
    ids = list(by_id)
    mention_rows = await MENTIONS.all(session, {"ids": ids})
    account_ids = {s.account_id for s in by_id.values()} | {r[1] for r in mention_rows}
    accounts = {a.id: a for a in await ACCOUNTS.all(session, {"ids": list(account_ids)})}
    mentions: dict[int, list[Account]] = defaultdict(list)
    for status_id, account_id in mention_rows:
        if account_id in accounts:
            mentions[status_id].append(accounts[account_id])
    tags = await _tags(session, ids)
    media = await load_media_for_statuses(session, ids)
    apps = await _applications(session, by_id.values())
    marks = await _marks(session, ids, viewer_id) if viewer_id is not None else None
    polls = await load_polls(session, ids, viewer_id)
    wanted = _emoji_pairs(by_id.values(), accounts)
    emojis = await load_emojis(session, wanted) if wanted else None

    def view(status: Status) -> StatusView:
        author = accounts[status.account_id]
        v = StatusView(
            status=status, account=author, mentions=mentions.get(status.id, []),
            tags=tags.get(status.id, []), media=media.get(status.id, []), application=apps.get(status.application_id or 0),
            poll=polls.get(status.id),
        )
        if emojis:
            v.emojis = refs_for(emojis, author.domain, decode_shortcodes(status.emoji_shortcodes))
            v.account_emojis = refs_for(emojis, author.domain, decode_shortcodes(author.emoji_shortcodes))
        if marks is not None:
            sid = status.id
            v.favourited = sid in marks["favourited"]
            v.bookmarked = sid in marks["bookmarked"]
            v.pinned = sid in marks["pinned"]
            v.reblogged = sid in marks["reblogged"]
        return v

    out = []
    for status in statuses:
        v = view(status)
        if status.reblog_of_id is not None and status.reblog_of_id in by_id:
            v.reblog = view(by_id[status.reblog_of_id])
        out.append(v)
    return out


def _emoji_pairs(statuses: Iterable[Status], accounts: dict[int, Account]) -> set[tuple[str | None, str]]:
    """The (domain, shortcode) pairs of the custom emoji that statuses and authors use: empty,
    and so no query, when none on the page has any (reading one column of each row)."""
    wanted: set[tuple[str | None, str]] = set()
    for status in statuses:
        if status.emoji_shortcodes:
            domain = accounts[status.account_id].domain if status.account_id in accounts else None
            wanted.update((domain, code) for code in decode_shortcodes(status.emoji_shortcodes))
    for account in accounts.values():
        if account.emoji_shortcodes:
            wanted.update((account.domain, code) for code in decode_shortcodes(account.emoji_shortcodes))
    return wanted


async def _with_originals(session: AsyncSession, statuses: Sequence[Status]) -> dict[int, Status]:
    by_id: dict[int, Status] = {s.id: s for s in statuses}
    missing = {s.reblog_of_id for s in statuses if s.reblog_of_id and s.reblog_of_id not in by_id}
    if missing:
        for original in await STATUSES.all(session, {"ids": list(missing)}):
            by_id[original.id] = original
    return by_id


async def _tags(session: AsyncSession, ids: list[int]) -> dict[int, list[Tag]]:
    tags: dict[int, list[Tag]] = defaultdict(list)
    for row in await TAGS.all(session, {"ids": ids}):
        tags[row.status_id].append(row)
    return tags


# Applications never change once registered: remember their rows instead of asking every
# timeline page for them again (bounded; a process sees few distinct apps).
_APP_CACHE: dict[int, Application] = {}
_APP_CACHE_MAX = 10_000


async def _applications(session: AsyncSession, statuses: Iterable[Status]) -> dict[int, Application]:
    app_ids = {s.application_id for s in statuses if s.application_id}
    missing = app_ids - _APP_CACHE.keys()
    if missing:
        if len(_APP_CACHE) > _APP_CACHE_MAX:
            _APP_CACHE.clear()
        for app in await session.scalars(select(Application).where(Application.id.in_(list(missing)))):
            _APP_CACHE[app.id] = app
    return {i: _APP_CACHE[i] for i in app_ids if i in _APP_CACHE}


MARKS = {"f": "favourited", "b": "bookmarked", "p": "pinned", "r": "reblogged"}


def _marked(code: str, model: type) -> Select:
    return select(literal(code).label("mark"), model.status_id.label("status_id")).where(
        model.account_id == bindparam("viewer"), model.status_id.in_(bindparam("ids", expanding=True)))


VIEWER_MARKS = FastSelect(union_all(
    _marked("f", Favourite), _marked("b", Bookmark), _marked("p", StatusPin),
    select(literal("r").label("mark"), Status.reblog_of_id.label("status_id")).where(
        Status.account_id == bindparam("viewer"), Status.reblog_of_id.in_(bindparam("ids", expanding=True))),
), name="MarkRow", lists=["ids"])


async def _marks(session: AsyncSession, ids: list[int], viewer_id: int) -> dict[str, set[int]]:
    """Which of ``ids`` the viewer favourited, bookmarked, pinned or boosted: one query."""
    marks: dict[str, set[int]] = {name: set() for name in MARKS.values()}
    for code, status_id in await VIEWER_MARKS.all(session, {"viewer": viewer_id, "ids": ids}):
        marks[MARKS[code]].add(status_id)
    return marks
