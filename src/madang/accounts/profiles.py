"""Profile edits (by the owner) and flags (set by the admin CLI)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.rules import check_note, normalise_display_name, normalise_fields
from madang.accounts.remote_followers import has_remote_followers
from madang.accounts.link_verification import enqueue_link_checks
from madang.core.clock import utcnow
from madang.jobs import enqueue
from madang.models import Account
from madang.text import HashtagToken, ParsedText, parse, render_html
from madang.text.rendering import render_inline_html


def render_note_html(note: str, *, base_url: str | None = None) -> str:
    """The bio as sanitised HTML by the same rules as posts: paragraphs, links and, when
    the instance's base URL is known, hashtags. Mentions stay text: a bio is not looked
    up against accounts on every edit."""
    parsed = parse(note.strip())

    def tag_url(token: HashtagToken) -> str:
        return f"{base_url}/tags/{quote(token.name)}"

    if base_url is None:
        # Without a base URL tags cannot link; render them as text by dropping the tokens.
        parsed = ParsedText(parsed.text, (), (), parsed.urls)
    return render_html(parsed, mention_url=lambda token: None, tag_url=tag_url)


def render_field_html(value: str, *, base_url: str) -> str:
    """A profile field's value as Mastodon serves it: escaped HTML with links and hashtags
    (clients insert it as HTML). The raw text stays in ``source.fields``."""
    parsed = parse(value.strip())

    def tag_url(token: HashtagToken) -> str:
        return f"{base_url}/tags/{quote(token.name)}"

    return render_inline_html(parsed, mention_url=lambda token: None, tag_url=tag_url)


def base_url_of(account: Account) -> str | None:
    """Local profile URLs are ``{base_url}/@{username}``."""
    if account.url and "/@" in account.url:
        return account.url.rsplit("/@", 1)[0]
    return None


def _path(value: str) -> str | None:
    # None means "leave as is" in update_profile, so an empty string is how to clear.
    return value or None


async def update_profile(
    session: AsyncSession,
    account: Account,
    *,
    display_name: str | None = None,
    note: str | None = None,
    locked: bool | None = None,
    bot: bool | None = None,
    discoverable: bool | None = None,
    indexable: bool | None = None,
    fields: Iterable[Mapping[str, Any]] | None = None,
    avatar_path: str | None = None,
    header_path: str | None = None,
    outbound_allow: str | None = None,
) -> Account:
    """Change what is given; None leaves a value alone. All input is checked before any
    attribute is touched, so a bad value changes nothing."""
    changes: dict[str, Any] = {}
    if display_name is not None:
        changes["display_name"] = normalise_display_name(display_name)
    if note is not None:
        changes["note"] = note = check_note(note)
        changes["note_html"] = render_note_html(note, base_url=base_url_of(account))
    if fields is not None:
        # A value kept as it was keeps its verification (as Mastodon does); a new one is checked.
        before = {f.get("value"): f.get("verified_at") for f in account.fields or []}
        changes["fields"] = [{**f, "verified_at": before.get(f["value"])} for f in normalise_fields(fields)]
    for name, flag in (("locked", locked), ("bot", bot), ("discoverable", discoverable),
                       ("indexable", indexable)):
        if flag is not None:
            changes[name] = bool(flag)
    if avatar_path is not None:
        changes["avatar_path"] = _path(avatar_path)
    if header_path is not None:
        changes["header_path"] = _path(header_path)
    if changes:
        for name, value in changes.items():
            setattr(account, name, value)
        account.updated_at = utcnow()
        session.add(account)
        await session.flush()
        if account.domain is None and await has_remote_followers(session, account.id):
            await enqueue(session, "federation.profile_updated", {"account_id": account.id})
        if "fields" in changes and outbound_allow is not None:  # None: links are not checked
            await enqueue_link_checks(session, account, outbound_allow=outbound_allow)
    return account


async def set_flags(
    session: AsyncSession,
    account: Account,
    *,
    organisation: bool | None = None,
    verified: bool | None = None,
) -> Account:
    if organisation is not None:
        account.organisation = organisation
    if verified is not None:
        # Keep the first verification date when verifying again.
        if not verified:
            account.verified_at = None
        elif account.verified_at is None:
            account.verified_at = utcnow()
    account.updated_at = utcnow()
    session.add(account)
    await session.flush()
    return account
