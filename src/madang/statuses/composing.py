"""Turning typed text into what a status stores: checked length, mentions, tags, HTML."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import find_local_accounts_by_usernames
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.db.database import CACHES, after_commit
from madang.db.fast_select import FastSelect
from madang.db.fast_write import FastInsert
from madang.models import Account, Tag
from madang.text import (
    HashtagToken,
    MentionToken,
    ParsedText,
    byte_limit,
    count_characters,
    normalize,
    parse,
    render_html,
)
from madang.text.lemmas import index_terms
from madang.text.hangul_keys import initials_of_key

LANGUAGE_MAX = 10


@dataclass
class Composed:
    text: str
    spoiler_text: str
    content: str
    mentioned: list[Account]
    tags: list[TagRef]


def check_length(text: str, spoiler_text: str, *, max_characters: int) -> None:
    length = count_characters(text, spoiler_text)
    if length > max_characters:
        raise Invalid(f"Text character limit of {max_characters} exceeded ({length})", field="status")
    if len((text + spoiler_text).encode()) > byte_limit(max_characters):
        raise Invalid("Text is too large", field="status")


def check_language(language: str | None, default: str) -> str:
    if language is None or language == "":
        return default
    if not (1 < len(language) <= LANGUAGE_MAX) or not all(c.isascii() and (c.isalpha() or c == "-") for c in language):
        raise Invalid(f"{language} is not a valid language code", field="language")
    return language.lower()


def _is_local(token: MentionToken, local_domain: str) -> bool:
    return token.domain is None or token.domain == local_domain.lower()


def mention_key(token: MentionToken, local_domain: str) -> str:
    """``user`` for a local mention, ``user@host`` (lower case) for a remote one."""
    if _is_local(token, local_domain):
        return token.username.lower()
    return f"{token.username}@{token.domain}".lower()


async def resolve_mentions(session: AsyncSession, parsed: ParsedText, local_domain: str) -> dict[str, Account]:
    """Mentioned accounts by mention_key: local ones, and remote ones already known here
    (the surface resolves unknown ``@user@host`` over federation before the write unit)."""
    names = {t.username.lower() for t in parsed.mentions if _is_local(t, local_domain)}
    found = await find_local_accounts_by_usernames(session, names) if names else {}
    remote = {mention_key(t, local_domain) for t in parsed.mentions if not _is_local(t, local_domain)}
    if remote:
        rows = await session.scalars(select(Account).where(Account.acct_key.in_(remote), Account.domain.is_not(None)))
        found.update({account.acct_key: account for account in rows})
    return found


@dataclass(frozen=True)
class TagRef:
    """What a post needs of a tag. Tags are never renamed or deleted, so a committed one can
    be remembered for the life of the process."""

    id: int
    key: str
    name: str


_INSERT_TAGS = FastInsert(Tag.__table__, ignore_conflicts=True)
_TAGS_BY_KEY = FastSelect(select(Tag.id, Tag.key, Tag.name).where(Tag.key.in_(bindparam("keys", expanding=True))),
                          name="TagKeyRow", lists=["keys"])
KNOWN_TAGS_MAX = 50_000


def _known_tags(session: AsyncSession) -> dict[str, TagRef]:
    caches = session.info.get(CACHES)
    return caches.setdefault("tags", {}) if isinstance(caches, dict) else {}


async def upsert_tags(session: AsyncSession, hashtags: tuple[HashtagToken, ...]) -> list[TagRef]:
    """Tags keep the spelling they were first written with; concurrent first uses of a
    new tag are settled by the unique key, not by a race. Tags this process has seen
    committed cost no query (a city posts the same few tags all day)."""
    first: dict[str, str] = {}
    for token in hashtags:
        first.setdefault(token.key, token.name)
    if not first:
        return []
    known = _known_tags(session)
    found = {key: known[key] for key in first if key in known}
    missing = [key for key in first if key not in found]
    if missing:
        now = utcnow()
        await _INSERT_TAGS.run(session, [{"id": new_id(), "key": key, "name": first[key], "created_at": now,
                                          "initials": initials_of_key(key)}
                                         for key in missing])
        fresh = {r.key: TagRef(r.id, r.key, r.name) for r in await _TAGS_BY_KEY.all(session, {"keys": missing})}
        found.update(fresh)

        def remember() -> None:  # only once committed: a rolled-back tag must not be reused
            if len(known) + len(fresh) > KNOWN_TAGS_MAX:
                known.clear()
            known.update(fresh)

        after_commit(session, remember)
    return [found[key] for key in first]


@dataclass(frozen=True)
class PreparedText:
    """A post's text made ready without the database: normalised, its length checked,
    parsed, and the search terms it will be indexed under."""

    text: str
    spoiler_text: str
    parsed: ParsedText
    terms: frozenset[str]


def prepare_text(text: str, spoiler_text: str, *, max_characters: int) -> PreparedText:
    """Done before a post's write unit: the single SQLite writer waits for none of it."""
    text = normalize(text or "")
    spoiler_text = normalize(spoiler_text or "")
    check_length(text, spoiler_text, max_characters=max_characters)
    return PreparedText(text, spoiler_text, parse(text), frozenset(index_terms(text, spoiler_text)))


async def compose(
    session: AsyncSession, *, text: str, spoiler_text: str, max_characters: int, base_url: str, local_domain: str,
    prepared: PreparedText | None = None,
) -> Composed:
    if prepared is None:
        prepared = prepare_text(text, spoiler_text, max_characters=max_characters)
    text, spoiler_text, parsed = prepared.text, prepared.spoiler_text, prepared.parsed
    accounts = await resolve_mentions(session, parsed, local_domain)

    def mention_url(token: MentionToken) -> str | None:
        account = accounts.get(mention_key(token, local_domain))
        return (account.url or account.uri) if account is not None else None

    def tag_url(token: HashtagToken) -> str:
        return f"{base_url}/tags/{quote(token.name)}"

    content = render_html(parsed, mention_url=mention_url, tag_url=tag_url)
    mentioned = list({a.id: a for a in accounts.values()}.values())
    tags = await upsert_tags(session, parsed.hashtags)
    return Composed(text, spoiler_text, content, mentioned, tags)
