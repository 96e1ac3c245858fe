"""Turning typed text into what a status stores: checked length, mentions, tags, HTML."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import find_local_accounts_by_usernames
from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.db.dialect import insert_ignore
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

LANGUAGE_MAX = 10


@dataclass
class Composed:
    text: str
    spoiler_text: str
    content: str
    mentioned: list[Account]
    tags: list[Tag]


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


async def resolve_mentions(session: AsyncSession, parsed: ParsedText, local_domain: str) -> dict[str, Account]:
    names = {t.username.lower() for t in parsed.mentions if _is_local(t, local_domain)}
    return await find_local_accounts_by_usernames(session, names) if names else {}


async def upsert_tags(session: AsyncSession, hashtags: tuple[HashtagToken, ...]) -> list[Tag]:
    """Tags keep the spelling they were first written with; concurrent first uses of a
    new tag are settled by the unique key, not by a race."""
    first: dict[str, str] = {}
    for token in hashtags:
        first.setdefault(token.key, token.name)
    if not first:
        return []
    now = utcnow()
    await session.execute(
        insert_ignore(session, Tag.__table__).values(
            [{"id": new_id(), "key": key, "name": name, "created_at": now} for key, name in first.items()]
        )
    )
    tags = {t.key: t for t in await session.scalars(select(Tag).where(Tag.key.in_(list(first))))}
    return [tags[key] for key in first]


async def compose(
    session: AsyncSession, *, text: str, spoiler_text: str, max_characters: int, base_url: str, local_domain: str
) -> Composed:
    text = normalize(text or "")
    spoiler_text = normalize(spoiler_text or "")
    check_length(text, spoiler_text, max_characters=max_characters)
    parsed = parse(text)
    accounts = await resolve_mentions(session, parsed, local_domain)

    def mention_url(token: MentionToken) -> str | None:
        account = accounts.get(token.username.lower()) if _is_local(token, local_domain) else None
        return account.url if account is not None else None

    def tag_url(token: HashtagToken) -> str:
        return f"{base_url}/tags/{quote(token.name)}"

    content = render_html(parsed, mention_url=mention_url, tag_url=tag_url)
    mentioned = list({a.id: a for a in accounts.values()}.values())
    tags = await upsert_tags(session, parsed.hashtags)
    return Composed(text, spoiler_text, content, mentioned, tags)
