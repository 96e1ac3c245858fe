"""Reading and changing one's own uploads, and loading the media of statuses."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from sqlalchemy import ColumnElement, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.db.database import after_commit
from madang.db.fast_select import FastSelect
from madang.media.rules import check_description, parse_focus
from madang.media.storage import LocalMediaStore, MediaStore
from madang.models.media import MediaAttachment

NOT_FOUND = "Record not found"
log = logging.getLogger(__name__)


async def get_own_media(session: AsyncSession, *, account_id: int, media_id: int) -> MediaAttachment:
    """Someone else's upload is "not found", as on Mastodon: its existence is not told."""
    media = await session.get(MediaAttachment, media_id)
    if media is None or media.account_id != account_id:
        raise NotFound(NOT_FOUND)
    return media


async def update_media(
    session: AsyncSession, *, account_id: int, media_id: int, description: str | None = None,
    focus: str | None = None, set_description: bool = False,
) -> MediaAttachment:
    """Alt text and focal point of an upload not yet posted (as Mastodon: once attached, it
    changes through an edit of its status). ``set_description`` tells "clear it" (an empty
    or missing value given on purpose) from "leave it"."""
    media = await get_own_media(session, account_id=account_id, media_id=media_id)
    if media.status_id is not None:
        raise NotFound(NOT_FOUND)
    description = check_description(description)
    point = parse_focus(focus)
    if set_description or description is not None:
        media.description = description
    if point is not None:
        media.focus_x, media.focus_y = point
    await session.flush()
    return media


async def delete_media(session: AsyncSession, *, store: MediaStore, account_id: int, media_id: int) -> None:
    """Delete an upload not yet posted; its files go once the deletion has committed."""
    media = await get_own_media(session, account_id=account_id, media_id=media_id)
    if media.status_id is not None:
        raise NotFound(NOT_FOUND)
    keys = (media.file_key, media.small_key)
    await session.execute(delete(MediaAttachment).where(MediaAttachment.id == media.id))
    after_commit(session, lambda: delete_files_soon(store, keys))


def delete_files(store: MediaStore, keys: Iterable[str]) -> None:
    for key in keys:
        store.delete(key)


def delete_files_soon(store: MediaStore, keys: Iterable[str]) -> None:
    """For after-commit callbacks, which run inside the event loop: a local unlink at once, a
    remote store's requests (object storage, decision 0066) on a thread so no request waits on them."""
    keys = list(keys)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None or isinstance(store, LocalMediaStore):
        delete_files(store, keys)
        return

    def failed(future: asyncio.Future) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.warning("media files not removed from the store (%d left over): %s", len(keys), future.exception())

    loop.run_in_executor(None, delete_files, store, keys).add_done_callback(failed)


# A timeline page asks for this on every request: a prebuilt statement on the fast path.
_SHOWN = FastSelect(
    select(*MediaAttachment.__table__.c)
    .where(MediaAttachment.status_id.in_(bindparam("ids", expanding=True)), MediaAttachment.position.is_not(None))
    .order_by(MediaAttachment.status_id, MediaAttachment.position),
    name="MediaRow", lists=["ids"])


async def load_media_for_statuses(session: AsyncSession, status_ids: Iterable[int]) -> dict[int, list[MediaAttachment]]:
    """The attachments each status shows now, in the order its author gave; statuses
    without media are absent from the answer. One query for a whole page; read-only rows."""
    ids = list(set(status_ids))
    found: dict[int, list[MediaAttachment]] = {}
    if not ids:
        return found
    for media in await _SHOWN.all(session, {"ids": ids}):
        found.setdefault(media.status_id, []).append(media)
    return found


def has_media(status_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A clause for ``only_media`` filters: the status shows at least one attachment."""
    return status_id.in_(
        select(MediaAttachment.status_id).where(MediaAttachment.position.is_not(None))
    )
