"""Custom emoji as the read side needs them: which shortcodes a text uses, and the rows of
those a batch of statuses or accounts uses, in one query (decision 0043).

A status or account keeps the shortcodes it uses in ``emoji_shortcodes`` (NULL when none),
written when it is stored; only rows with some are looked up, so a timeline of posts without
custom emoji asks nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import re
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.custom_emojis import CustomEmoji

# Mastodon's shortcode: letters, digits and underscores, at least two (SHORTCODE_RE_FRAGMENT).
SHORTCODE = re.compile(r"[A-Za-z0-9_]{2,100}")
_IN_TEXT = re.compile(r":([A-Za-z0-9_]{2,100}):")
MAX_PER_ITEM = 50


@dataclass(frozen=True)
class EmojiRef:
    """An emoji as shown: ``url``/``static_url`` are media keys under /media/ or, for an
    emoji only linked, absolute remote URLs. Hashable: it is part of cached JSON's key."""

    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool


def shortcodes_in(*texts: str | None) -> list[str]:
    """The distinct ``:shortcode:``s the texts use, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        if text and ":" in text:
            for match in _IN_TEXT.finditer(text):
                seen.setdefault(match.group(1), None)
    return list(seen)[:MAX_PER_ITEM]


def encode_shortcodes(codes: Iterable[str]) -> str | None:
    """The column's form: space-separated, NULL when there are none."""
    codes = [c for c in dict.fromkeys(codes) if SHORTCODE.fullmatch(c)][:MAX_PER_ITEM]
    return " ".join(codes) or None


def decode_shortcodes(value: str | None) -> list[str]:
    return value.split() if value else []


def emoji_ref(row: Any) -> EmojiRef | None:
    """How a row is shown, or None while it has no image to show (not cached yet, disabled)."""
    if row.disabled:
        return None
    if row.file_key:
        return EmojiRef(row.shortcode, row.file_key, row.static_key or row.file_key, bool(row.visible_in_picker))
    if row.link_only and row.image_remote_url:
        return EmojiRef(row.shortcode, row.image_remote_url, row.image_remote_url, bool(row.visible_in_picker))
    return None


_COLUMNS = (CustomEmoji.shortcode, CustomEmoji.domain, CustomEmoji.file_key, CustomEmoji.static_key,
            CustomEmoji.image_remote_url, CustomEmoji.link_only, CustomEmoji.disabled, CustomEmoji.visible_in_picker)


async def load_emojis(session: AsyncSession,
                      wanted: Iterable[tuple[str | None, str]]) -> dict[tuple[str | None, str], EmojiRef]:
    """The shown emoji among (domain, shortcode) pairs (domain None: local), in one query;
    nothing is asked when nothing is wanted."""
    by_domain: dict[str | None, set[str]] = {}
    for domain, code in wanted:
        by_domain.setdefault(domain, set()).add(code)
    if not by_domain:
        return {}
    clauses = [and_(CustomEmoji.domain.is_(None) if domain is None else CustomEmoji.domain == domain,
                    CustomEmoji.shortcode.in_(sorted(codes))) for domain, codes in by_domain.items()]
    found: dict[tuple[str | None, str], EmojiRef] = {}
    for row in await session.execute(select(*_COLUMNS).where(or_(*clauses))):
        if (ref := emoji_ref(row)) is not None:
            found[(row.domain, row.shortcode)] = ref
    return found


def refs_for(found: dict[tuple[str | None, str], EmojiRef], domain: str | None,
             codes: Iterable[str]) -> tuple[EmojiRef, ...]:
    return tuple(ref for code in codes if (ref := found.get((domain, code))) is not None)


async def emojis_of_account(session: AsyncSession, account: Any) -> tuple[EmojiRef, ...]:
    """An account's emoji (one query, and only when it uses some)."""
    codes = decode_shortcodes(getattr(account, "emoji_shortcodes", None))
    if not codes:
        return ()
    found = await load_emojis(session, [(account.domain, c) for c in codes])
    return refs_for(found, account.domain, codes)


async def list_local_emojis(session: AsyncSession) -> list[EmojiRef]:
    """The server's own enabled emoji (/api/v1/custom_emojis), by shortcode."""
    rows = await session.execute(select(*_COLUMNS).where(CustomEmoji.domain.is_(None), CustomEmoji.disabled.is_(False))
                                 .order_by(CustomEmoji.shortcode))
    return [ref for row in rows if (ref := emoji_ref(row)) is not None]


async def revision_emojis(session: AsyncSession, domain: str | None,
                          revisions: Iterable[Any]) -> dict[int, tuple[EmojiRef, ...]]:
    """Each revision's emoji (by StatusEdit id) from the ``:shortcode:``s its text, warning and
    poll options use: the history of an edit, not a hot path; one query when any are used."""
    used = {r.edit.id: shortcodes_in(r.edit.content, r.edit.spoiler_text, *(r.poll_options or ()))
            for r in revisions}
    wanted = {(domain, code) for codes in used.values() for code in codes}
    if not wanted:
        return {}
    found = await load_emojis(session, wanted)
    return {edit_id: refs_for(found, domain, codes) for edit_id, codes in used.items()}


# A local emoji's image: as small as Mastodon asks of its own (CustomEmoji::LOCAL_LIMIT).
LOCAL_MAX_BYTES = 256 * 1024
LOCAL_MAX_PIXELS = 1024 * 1024


def check_shortcode(shortcode: str) -> str:
    code = shortcode.strip().strip(":")
    if not SHORTCODE.fullmatch(code):
        from madang.core.errors import Invalid

        raise Invalid("A shortcode is 2 to 100 letters, digits or underscores", field="shortcode")
    return code


async def save_local_emoji(session: AsyncSession, *, store: Any, shortcode: str, upload: Any,
                           visible_in_picker: bool = True) -> CustomEmoji:
    """A local emoji from a stored upload (``media.uploads.store_upload``): made, or its image
    replaced (the old files removed once this commits)."""
    from madang.core.clock import utcnow
    from madang.core.ids import new_id
    from madang.media.file_removal import remove_files_later

    code = check_shortcode(shortcode)
    now = utcnow()
    row = await session.scalar(select(CustomEmoji).where(CustomEmoji.domain.is_(None), CustomEmoji.shortcode == code))
    if row is None:
        row = CustomEmoji(id=new_id(), shortcode=code, domain=None, created_at=now, updated_at=now)
        session.add(row)
    else:
        await remove_files_later(session, store=store, keys=[row.file_key, row.static_key])
    row.file_key, row.static_key = upload.file_key, upload.small_key
    row.content_type = upload.image.original.content_type[:50]
    row.file_size = len(upload.image.original.data)
    row.visible_in_picker, row.disabled, row.updated_at = visible_in_picker, False, now
    await session.flush()
    return row


async def local_shortcodes_used(session: AsyncSession, *texts: str | None) -> str | None:
    """The column's value for a local post: the enabled local emoji its texts use. Asks the
    database only when a text has a ``:shortcode:`` at all."""
    codes = shortcodes_in(*texts)
    if not codes:
        return None
    found = set(await session.scalars(select(CustomEmoji.shortcode).where(
        CustomEmoji.domain.is_(None), CustomEmoji.shortcode.in_(codes), CustomEmoji.disabled.is_(False))))
    return encode_shortcodes(c for c in codes if c in found)
