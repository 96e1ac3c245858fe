"""A citizen's own data as a ZIP archive: posts (with edits and photos), follows,
bookmarks, blocks, mutes and the profile.

Written into a file the caller gives (a temporary file), page by page, so a big account
never sits in memory whole; photos are copied from the store in a thread."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import get_account
from madang.media.storage import MediaStore
from madang.models import (Account, Block, Bookmark, Follow, MediaAttachment, Mute, Status, StatusEdit, User)
from madang.text.spreadsheets import csv_writer

PAGE = 500


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _media_name(media: MediaAttachment) -> str:
    return f"media/{media.file_key.replace('/', '_')}"


async def write_export(session: AsyncSession, *, account_id: int, store: MediaStore, out: BinaryIO) -> None:
    account = await get_account(session, account_id)
    user = await session.scalar(select(User).where(User.account_id == account_id))
    media_files: list[tuple[str, str]] = []  # (key in the store, name in the archive)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", json.dumps(_profile(account, user), ensure_ascii=False, indent=2))
        for kind, key in (("avatar", account.avatar_path), ("header", account.header_path)):
            if key and not key.startswith(("http://", "https://")):
                media_files.append((key, f"{kind}.{key.rsplit('.', 1)[-1]}"))
        with archive.open("posts.json", "w") as posts:
            await _write_posts(session, account_id, posts, media_files)
        for name, rows in (
            ("following.csv", _accounts(session, select(Account).join(Follow, Follow.target_account_id == Account.id)
                                        .where(Follow.account_id == account_id))),
            ("followers.csv", _accounts(session, select(Account).join(Follow, Follow.account_id == Account.id)
                                        .where(Follow.target_account_id == account_id))),
            ("blocks.csv", _accounts(session, select(Account).join(Block, Block.target_account_id == Account.id)
                                     .where(Block.account_id == account_id))),
            ("mutes.csv", _accounts(session, select(Account).join(Mute, Mute.target_account_id == Account.id)
                                    .where(Mute.account_id == account_id))),
        ):
            await _write_csv(archive, name, ["acct"], rows)
        await _write_csv(archive, "bookmarks.csv", ["status_id", "url", "bookmarked_at"], _bookmarks(session, account_id))
        for key, name in media_files:
            await asyncio.to_thread(_copy, store, key, archive, name)


def _profile(account: Account, user: User | None) -> dict[str, Any]:
    return {
        "id": str(account.id), "username": account.username, "display_name": account.display_name,
        "note": account.note, "fields": account.fields, "url": account.url, "created_at": _iso(account.created_at),
        "locked": account.locked, "bot": account.bot, "discoverable": account.discoverable,
        "indexable": account.indexable, "organisation": account.organisation,
        "email": user.email if user else None, "locale": user.locale if user else None,
        "default_visibility": user.default_visibility if user else None,
        "avatar": account.avatar_path, "header": account.header_path,
    }


async def _write_posts(session: AsyncSession, account_id: int, out: BinaryIO,
                       media_files: list[tuple[str, str]]) -> None:
    out.write(b"[")
    first = True
    after = 0
    while True:
        statuses = list(await session.scalars(
            select(Status).where(Status.account_id == account_id, Status.deleted_at.is_(None), Status.id > after)
            .order_by(Status.id).limit(PAGE)))
        if not statuses:
            break
        after = statuses[-1].id
        ids = [s.id for s in statuses]
        edits: dict[int, list[StatusEdit]] = {}
        for edit in await session.scalars(select(StatusEdit).where(StatusEdit.status_id.in_(ids))
                                          .order_by(StatusEdit.id)):
            edits.setdefault(edit.status_id, []).append(edit)
        media: dict[int, list[MediaAttachment]] = {}
        for m in await session.scalars(select(MediaAttachment).where(MediaAttachment.status_id.in_(ids))
                                       .order_by(MediaAttachment.position)):
            if m.status_id is not None:
                media.setdefault(m.status_id, []).append(m)
                media_files.append((m.file_key, _media_name(m)))
        for status in statuses:
            item = _post(status, edits.get(status.id, []), media.get(status.id, []))
            out.write((b"" if first else b",") + b"\n" + json.dumps(item, ensure_ascii=False).encode())
            first = False
    out.write(b"\n]\n")


def _post(status: Status, edits: list[StatusEdit], media: list[MediaAttachment]) -> dict[str, Any]:
    return {
        "id": str(status.id), "url": status.url, "created_at": _iso(status.created_at),
        "edited_at": _iso(status.edited_at), "visibility": status.visibility, "language": status.language,
        "text": status.text, "html": status.content, "spoiler_text": status.spoiler_text,
        "sensitive": status.sensitive,
        "in_reply_to_id": str(status.in_reply_to_id) if status.in_reply_to_id else None,
        "reblog_of_id": str(status.reblog_of_id) if status.reblog_of_id else None,
        "media": [{"file": _media_name(m), "description": m.description, "content_type": m.content_type}
                  for m in media],
        "edits": [{"created_at": _iso(e.created_at), "text": e.text, "html": e.content,
                   "spoiler_text": e.spoiler_text} for e in edits],
    }


async def _accounts(session: AsyncSession, stmt: Any) -> list[list[str]]:
    return [[a.acct] for a in await session.scalars(stmt.order_by(Account.id))]


async def _bookmarks(session: AsyncSession, account_id: int) -> list[list[str]]:
    rows = await session.execute(select(Status.id, Status.url, Bookmark.created_at)
                                 .join(Bookmark, Bookmark.status_id == Status.id)
                                 .where(Bookmark.account_id == account_id).order_by(Bookmark.id))
    return [[str(i), url or "", _iso(at) or ""] for i, url, at in rows]


async def _write_csv(archive: zipfile.ZipFile, name: str, header: list[str], rows: Any) -> None:
    rows = await rows
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # With a BOM: Excel, which most people here will open it with, then reads Korean right.
    archive.writestr(name, "\ufeff" + buffer.getvalue())


def _copy(store: MediaStore, key: str, archive: zipfile.ZipFile, name: str) -> None:
    try:
        source = store.open(key)
    except (FileNotFoundError, ValueError):
        return  # a file already gone (removed by hand) leaves its name in posts.json only
    with source, archive.open(name, "w") as target:
        while chunk := source.read(1 << 16):
            target.write(chunk)

