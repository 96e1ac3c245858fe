"""Editing a status: a new revision is appended; nothing earlier is overwritten.

Each revision records what it showed besides its text (attachments in order with their alt
text then, and the poll's options), so the history shows each as it was, as Mastodon's does.
A revision written before that was recorded (the first one, written by create_status, or one
from before migration 0013) gets it from the status when the next edit comes: until then
the status still showed exactly that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.media.custom_emojis import local_shortcodes_used
from madang.accounts.remote_followers import has_remote_followers
from madang.statuses.delete import reaches_remote
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.events import EDITED, publish, status_event
from madang.jobs import enqueue
from madang.media import attach_media, check_media_ids, count_attached_media
from madang.media.rules import check_description, parse_focus
from madang.models import Account, MediaAttachment, Mention, Status, StatusEdit, StatusTag
from madang.statuses.composing import Composed, check_language, compose
from madang.statuses.create import Site
from madang.statuses.polls import PollSpec, check_poll, has_poll, poll_option_titles, remove_poll, replace_poll

KEEP_POLL = object()  # edit_status(poll=…) default: leave the poll as it is


@dataclass(frozen=True)
class MediaChange:
    """One of Mastodon's ``media_attributes[]``: alt text and focus of an attachment the
    edited status keeps or gains. ``description`` None leaves it; "" clears it."""

    id: int
    description: str | None = None
    focus: str | None = None
from madang.statuses.search_index import reindex_status, status_terms


async def edit_status(
    session: AsyncSession,
    *,
    site: Site,
    editor: Account,
    status: Status,
    text: str,
    spoiler_text: str | None = None,
    sensitive: bool | None = None,
    language: str | None = None,
    media_ids: list[int] | None = None,
    media_attributes: Sequence[MediaChange] = (),
    poll: PollSpec | None | object = KEEP_POLL,
) -> Status:
    """``media_ids`` None leaves the attachments as they are; a list (even empty) replaces them
    (reorders, adds, removes). ``media_attributes`` change alt text and focus of attachments the
    status shows after the edit (others are ignored, as by Mastodon). ``poll``: a PollSpec
    replaces the poll (same options keep their votes), None takes it away (Mastodon's API
    edit without a poll), KEEP_POLL leaves it."""
    if status.deleted_at is not None:
        raise NotFound("Record not found")
    if status.account_id != editor.id:
        raise Forbidden("This action is not allowed")
    if status.reblog_of_id is not None:
        raise Invalid("A reblog cannot be edited", field="status")
    if media_ids is not None:
        media_ids = check_media_ids(media_ids)
    if not (text or "").strip() and not (
        media_ids if media_ids is not None else await count_attached_media(session, status.id)
    ):
        raise Invalid("Text can't be blank", field="status")
    if isinstance(poll, PollSpec):
        # Photos the edit keeps count too: a poll never sits beside files.
        kept = media_ids if media_ids is not None else (
            [0] if await count_attached_media(session, status.id) else None)
        check_poll(poll, media_ids=kept)
    elif poll is KEEP_POLL and media_ids and await has_poll(session, status.id):
        raise Invalid("Cannot attach both files and a poll to one post", field="media_ids")
    changes = [(c.id, c.description is not None, check_description(c.description), parse_focus(c.focus))
               for c in media_attributes]
    # Every check runs before the status is touched: bad input changes nothing.
    language = check_language(language, status.language or site.default_language)
    composed = await compose(
        session, text=text, spoiler_text=status.spoiler_text if spoiler_text is None else spoiler_text,
        max_characters=site.max_characters, base_url=site.base_url, local_domain=site.domain,
    )
    indexed = status_terms(status)  # before the text changes
    await _record_shown(session, await _latest_revision(session, status.id), status.id)
    revision = _apply(status, composed, sensitive=sensitive, language=language)
    session.add(revision)
    if status.local:  # local custom emoji (decision 0043); remote edits: federation.emoji
        status.emoji_shortcodes = await local_shortcodes_used(
            session, composed.text, composed.spoiler_text, *(poll.options if isinstance(poll, PollSpec) else ()))
    added = await _sync_mentions_and_tags(session, status, composed)
    if media_ids is not None:
        # Refused ids (someone else's, a fifth) raise here and the unit rolls back whole.
        await attach_media(session, status=status, account_id=editor.id, media_ids=media_ids)
    await _change_media(session, status.id, changes)
    if isinstance(poll, PollSpec):
        await replace_poll(session, status=status, spec=poll)
    elif poll is None:
        await remove_poll(session, status=status)
    await reindex_status(session, status, indexed)
    await session.flush()
    await _record_shown(session, revision, status.id)
    # The revision's id names this edit, so each edit notifies once however often the job runs.
    await enqueue(session, "notifications.status_edited",
                  {"status_id": status.id, "edit_id": revision.id, "edited_at": revision.created_at.isoformat()})
    if added:
        await enqueue(session, "notifications.status_posted", {"status_id": status.id, "new": False})
    if status.local and (await has_remote_followers(session, status.account_id)
                         or await reaches_remote(session, status, [])):
        await enqueue(session, "federation.status_updated", {"status_id": status.id})
    publish(session, status_event(EDITED, status))
    return status


def _apply(status: Status, composed: Composed, *, sensitive: bool | None, language: str) -> StatusEdit:
    now = utcnow()
    status.text = composed.text
    status.content = composed.content
    status.spoiler_text = composed.spoiler_text
    status.sensitive = (status.sensitive if sensitive is None else bool(sensitive)) or bool(composed.spoiler_text)
    status.language = language
    status.edited_at = now
    return StatusEdit(id=new_id(), status_id=status.id, account_id=status.account_id, text=status.text,
                      content=status.content, spoiler_text=status.spoiler_text, sensitive=status.sensitive,
                      language=status.language, created_at=now)


async def _sync_mentions_and_tags(session: AsyncSession, status: Status, composed: Composed) -> set[int]:
    """Mentions and tags follow the new text; those who were already notified stay notified.
    Returns the newly mentioned account ids."""
    old_mentions = set(await session.scalars(select(Mention.account_id).where(Mention.status_id == status.id)))
    new_mentions = {a.id for a in composed.mentioned}
    if old_mentions - new_mentions:
        await session.execute(delete(Mention).where(Mention.status_id == status.id,
                                                    Mention.account_id.in_(old_mentions - new_mentions)))
    session.add_all(Mention(status_id=status.id, account_id=a) for a in new_mentions - old_mentions)
    await session.execute(delete(StatusTag).where(StatusTag.status_id == status.id))
    session.add_all(StatusTag(status_id=status.id, tag_id=t.id) for t in composed.tags)
    return new_mentions - old_mentions


async def _change_media(session: AsyncSession, status_id: int,
                        changes: list[tuple[int, bool, str | None, tuple[float, float] | None]]) -> None:
    """(id, description given, description, focus) of attachments the status now shows."""
    if not changes:
        return
    shown = {m.id: m for m in await session.scalars(select(MediaAttachment).where(
        MediaAttachment.status_id == status_id, MediaAttachment.position.is_not(None))
        .execution_options(populate_existing=True))}
    for media_id, given, description, focus in changes:
        media = shown.get(media_id)
        if media is None:
            continue
        if given:
            media.description = description
        if focus is not None:
            media.focus_x, media.focus_y = focus


async def _latest_revision(session: AsyncSession, status_id: int) -> StatusEdit | None:
    return await session.scalar(select(StatusEdit).where(StatusEdit.status_id == status_id)
                                .order_by(StatusEdit.id.desc()).limit(1))


async def _record_shown(session: AsyncSession, revision: StatusEdit | None, status_id: int) -> None:
    """What the status shows now, on ``revision`` if it has no record yet."""
    if revision is None or revision.media_attachment_ids is not None:
        return
    media = list(await session.scalars(select(MediaAttachment).where(
        MediaAttachment.status_id == status_id, MediaAttachment.position.is_not(None))
        .order_by(MediaAttachment.position)))
    revision.media_attachment_ids = [m.id for m in media]
    revision.media_descriptions = [m.description for m in media]
    revision.poll_options = await poll_option_titles(session, status_id)
    await session.flush()


async def list_revisions(session: AsyncSession, status: Status) -> list[StatusEdit]:
    return list(await session.scalars(
        select(StatusEdit).where(StatusEdit.status_id == status.id).order_by(StatusEdit.id)
    ))


@dataclass(frozen=True)
class RevisionView:
    """A revision with what it showed: attachments in order, each with its alt text then."""

    edit: StatusEdit
    media: list[tuple[MediaAttachment, str | None]]
    poll_options: list[str] | None


async def list_revision_views(session: AsyncSession, status: Status) -> list[RevisionView]:
    """Oldest first. The newest revision shows what the status shows now when it has no record
    of its own yet; an older one without a record (written before 0013) shows none."""
    revisions = await list_revisions(session, status)
    if revisions and revisions[-1].media_attachment_ids is None:
        latest = revisions[-1]
        media = list(await session.scalars(select(MediaAttachment).where(
            MediaAttachment.status_id == status.id, MediaAttachment.position.is_not(None))
            .order_by(MediaAttachment.position)))
        current = RevisionView(latest, [(m, m.description) for m in media],
                               await poll_option_titles(session, status.id))
    else:
        current = None
    wanted = {i for r in revisions for i in (r.media_attachment_ids or ())}
    rows = {m.id: m for m in await session.scalars(select(MediaAttachment).where(MediaAttachment.id.in_(wanted)))} \
        if wanted else {}
    out = []
    for r in revisions:
        if current is not None and r is current.edit:
            out.append(current)
            continue
        ids, descriptions = r.media_attachment_ids or [], r.media_descriptions or []
        media = [(rows[i], descriptions[k] if k < len(descriptions) else None)
                 for k, i in enumerate(ids) if i in rows]
        out.append(RevisionView(r, media, r.poll_options))
    return out
