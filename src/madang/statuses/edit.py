"""Editing a status: a new revision is appended; nothing earlier is overwritten."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.core.ids import new_id
from madang.events import EDITED, publish, status_event
from madang.jobs import enqueue
from madang.media import attach_media, check_media_ids, count_attached_media
from madang.models import Account, Mention, Status, StatusEdit, StatusTag
from madang.statuses.composing import Composed, check_language, compose
from madang.statuses.create import Site
from madang.statuses.polls import PollSpec, check_poll, has_poll, replace_poll
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
    poll: PollSpec | None = None,
) -> Status:
    """``media_ids`` None leaves the attachments as they are; a list (even empty) replaces them.
    ``poll`` None keeps the status's poll (and its votes) as it is."""
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
    if poll is not None:
        check_poll(poll, media_ids=media_ids)
    elif media_ids and await has_poll(session, status.id):
        raise Invalid("Cannot attach both files and a poll to one post", field="media_ids")
    # Every check runs before the status is touched: bad input changes nothing.
    language = check_language(language, status.language or site.default_language)
    composed = await compose(
        session, text=text, spoiler_text=status.spoiler_text if spoiler_text is None else spoiler_text,
        max_characters=site.max_characters, base_url=site.base_url, local_domain=site.domain,
    )
    indexed = status_terms(status)  # before the text changes
    revision = _apply(status, composed, sensitive=sensitive, language=language)
    session.add(revision)
    added = await _sync_mentions_and_tags(session, status, composed)
    if media_ids is not None:
        # Refused ids (someone else's, a fifth) raise here and the unit rolls back whole.
        await attach_media(session, status=status, account_id=editor.id, media_ids=media_ids)
    if poll is not None:
        await replace_poll(session, status=status, spec=poll)
    await reindex_status(session, status, indexed)
    await session.flush()
    # The revision's id names this edit, so each edit notifies once however often the job runs.
    await enqueue(session, "notifications.status_edited",
                  {"status_id": status.id, "edit_id": revision.id, "edited_at": revision.created_at.isoformat()})
    if added:
        await enqueue(session, "notifications.status_posted", {"status_id": status.id, "new": False})
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


async def list_revisions(session: AsyncSession, status: Status) -> list[StatusEdit]:
    return list(await session.scalars(
        select(StatusEdit).where(StatusEdit.status_id == status.id).order_by(StatusEdit.id)
    ))
