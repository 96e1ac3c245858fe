"""Remote custom emoji (decision 0043): the `Emoji` tags of posts and actors become
(shortcode, domain) rows when the post or account is stored, and their images are cached here
by a job (``federation.cache_emoji``) through the guarded client, as remote photos are; with
MADANG_REMOTE_MEDIA=link they are only linked, and a domain whose media is rejected brings no
emoji at all (as Mastodon skips them).

Only emoji the text actually uses are kept, and the shortcodes a status or account uses are
written on it (``emoji_shortcodes``), so the read side looks emoji up only where there are some.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.federation.config import FederationConfig, config_of
from madang.federation.domain_policy import rejects_media
from madang.jobs import enqueue, handler
from madang.media.custom_emojis import SHORTCODE, encode_shortcodes, shortcodes_in
from madang.models import Account, Status
from madang.models.custom_emojis import CustomEmoji

log = logging.getLogger(__name__)
CACHE_JOB = "federation.cache_emoji"
# Mastodon refuses remote emoji images over 256 KB (CustomEmoji::LIMIT).
MAX_EMOJI_BYTES = 256 * 1024
MAX_EMOJI_PIXELS = 1024 * 1024


def used_tags(tags: Iterable[tuple[str, str]], *texts: str | None) -> dict[str, str]:
    """Shortcode → icon URL of the Emoji tags the texts use (a tag nothing uses is ignored)."""
    used = set(shortcodes_in(*texts))
    found: dict[str, str] = {}
    for code, url in tags:
        if code in used and SHORTCODE.fullmatch(code) and url.startswith(("https://", "http://")):
            found.setdefault(code, url[:1000])
    return found


async def remember_emojis(session: Any, config: FederationConfig, domain: str | None,
                          tags: dict[str, str]) -> list[str]:
    """Make or refresh the rows of ``tags`` (shortcode → URL) of ``domain``; queue the caching
    of new or changed images. The shortcodes that can be shown (none when media is rejected)."""
    if not tags or domain is None:
        return []
    if await rejects_media(session, domain):
        return []
    link = config.remote_media == "link"
    rows = {r.shortcode: r for r in await session.scalars(
        select(CustomEmoji).where(CustomEmoji.domain == domain, CustomEmoji.shortcode.in_(sorted(tags))))}
    now = utcnow()
    to_cache: list[CustomEmoji] = []
    for code, url in tags.items():
        row = rows.get(code)
        if row is None:
            row = await _insert(session, domain, code, url, link=link)
            if row is not None and not link:
                to_cache.append(row)
        elif row.image_remote_url != url:  # a new image under the same shortcode
            row.image_remote_url, row.link_only, row.updated_at = url, link, now
            if not link:
                to_cache.append(row)
        elif not row.file_key and row.link_only != link:  # the setting changed since
            row.link_only = link
            if not link:
                to_cache.append(row)
    await session.flush()
    for row in to_cache:
        await enqueue(session, CACHE_JOB, {"emoji_id": row.id, "url": row.image_remote_url})
    return list(tags)


async def _insert(session: Any, domain: str, code: str, url: str, *, link: bool) -> CustomEmoji | None:
    now = utcnow()
    row = CustomEmoji(id=new_id(), shortcode=code, domain=domain, image_remote_url=url, link_only=link,
                      created_at=now, updated_at=now)
    try:
        async with session.begin_nested():  # another job may store the same emoji at once
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    return row


async def store_status_emojis(session: Any, config: FederationConfig, *, author: Account, status: Status,
                              tags: Sequence[tuple[str, str]], poll_options: Sequence[str] = ()) -> None:
    """A stored (or edited) remote status's emoji: rows made, and the shortcodes its content,
    warning and poll options use written on it. Nothing at all for a post without Emoji tags."""
    used = used_tags(tags, status.content, status.spoiler_text, *poll_options) if tags else {}
    codes = await remember_emojis(session, config, author.domain, used) if used else []
    value = encode_shortcodes(codes)
    if status.emoji_shortcodes != value:
        # A statement, not the attribute: a newly stored remote status is a detached entity
        # (statuses.remote, decision 0041) whose attribute changes no flush would write.
        await session.execute(update(Status).where(Status.id == status.id).values(emoji_shortcodes=value))
        set_committed_value(status, "emoji_shortcodes", value)


async def store_account_emojis(session: Any, config: FederationConfig, account: Account,
                               tags: Sequence[tuple[str, str]]) -> None:
    """A stored (or refreshed) remote account's emoji: those its name, note and fields use."""
    texts = [account.display_name, account.note_html]
    for item in account.fields or []:
        texts += [item.get("name", ""), item.get("value", "")]
    used = used_tags(tags, *texts) if tags else {}
    codes = await remember_emojis(session, config, account.domain, used) if used else []
    value = encode_shortcodes(codes)
    if account.emoji_shortcodes != value:
        account.emoji_shortcodes = value
        await session.flush()


@handler(CACHE_JOB, unit=False, max_attempts=5)
async def cache_emoji(db: Any, payload: dict) -> None:
    """Fetch an emoji's image (≤ 256 KB) through the guarded client, re-encode it as uploads
    are, and serve it from /media/; an image that is gone or unusable stays unshown."""
    from madang.media.storage import open_store
    from madang.media.uploads import discard_upload, store_upload
    from madang.net import GuardedClient, OutboundError, OutboundPolicy, TooLarge

    config = config_of(db)
    url = str(payload["url"])
    async with db.read() as session:
        emoji = await session.get(CustomEmoji, int(payload["emoji_id"]))
        if emoji is None or emoji.image_remote_url != url or emoji.link_only:
            return
        if await rejects_media(session, emoji.domain):
            return
    try:
        async with GuardedClient(OutboundPolicy.parse(config.allowed_hosts), max_bytes=MAX_EMOJI_BYTES,
                                 timeout=15.0) as client:
            answer = await client.get(url, headers={"Accept": "image/*"})
    except TooLarge:
        log.info("emoji %s is larger than %d bytes: not shown", url, MAX_EMOJI_BYTES)
        return
    except OutboundError as exc:
        log.info("emoji %s not fetched: %s", url, exc)
        raise
    if 400 <= answer.status_code < 500:
        log.info("emoji %s answered %s: not shown", url, answer.status_code)
        return
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}")
    store = open_store(config.media_store_location)
    try:
        upload = await store_upload(store, answer.content, size=len(answer.content), max_bytes=MAX_EMOJI_BYTES,
                                    max_pixels=min(config.media_max_pixels, MAX_EMOJI_PIXELS))
    except Invalid as exc:
        log.info("emoji %s is not a usable image: %s", url, exc)
        return
    try:
        async with db.write() as session:
            row = await session.get(CustomEmoji, int(payload["emoji_id"]))
            if row is None or row.image_remote_url != url:
                await discard_upload(store, upload)
                return
            old = [row.file_key, row.static_key]
            row.file_key, row.static_key = upload.file_key, upload.small_key
            row.content_type = upload.image.original.content_type[:50]
            row.file_size = len(upload.image.original.data)
            row.updated_at = utcnow()
            if any(old):
                from madang.media.file_removal import remove_files_later

                await remove_files_later(session, store=store, keys=old)
    except BaseException:
        await discard_upload(store, upload)
        raise
