"""Profile edits (by the owner) and flags (set by the admin CLI)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.rules import check_note, normalise_display_name, normalise_fields
from madang.core.clock import utcnow
from madang.models import Account


def render_note_html(note: str) -> str:
    """The bio as safe HTML: escaped, blank lines split paragraphs, newlines become <br />.

    Interim: switches to madang.text rendering (links, mentions, hashtags) once that lands.
    """
    text = note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = re.split(r"\n\s*\n", text)
    return "".join(
        "<p>" + html.escape(p.strip("\n")).replace("\n", "<br />") + "</p>" for p in paragraphs
    )


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
    fields: Iterable[Mapping[str, Any]] | None = None,
    avatar_path: str | None = None,
    header_path: str | None = None,
) -> Account:
    """Change what is given; None leaves a value alone. All input is checked before any
    attribute is touched, so a bad value changes nothing."""
    changes: dict[str, Any] = {}
    if display_name is not None:
        changes["display_name"] = normalise_display_name(display_name)
    if note is not None:
        changes["note"] = check_note(note)
        changes["note_html"] = render_note_html(note)
    if fields is not None:
        changes["fields"] = normalise_fields(fields)
    for name, flag in (("locked", locked), ("bot", bot), ("discoverable", discoverable)):
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
