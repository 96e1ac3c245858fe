"""Posting a status (or a reply) in one transaction, with its follow-up jobs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.core.ids import new_id
from madang.jobs import enqueue
from madang.models import Account, Follow, IdempotencyKey, Mention, Status, StatusEdit, StatusTag
from madang.models.statuses import VISIBILITIES
from madang.models.timelines import HomeFeedEntry
from madang.statuses.composing import Composed, check_language, compose
from madang.statuses.counters import count_post
from madang.statuses.queries import get_visible_status


@dataclass(frozen=True)
class Site:
    """What a use case needs to know of the instance (from settings, passed down)."""

    base_url: str
    domain: str
    max_characters: int = 140
    default_language: str = "ko"
    # The zone whose calendar dates `last_status_at` (a date, not a time) is written in.
    time_zone: str = "Asia/Seoul"


def check_visibility(visibility: str | None, default: str) -> str:
    visibility = visibility or default
    if visibility not in VISIBILITIES:
        raise Invalid(f"Visibility must be one of {', '.join(VISIBILITIES)}", field="visibility")
    return visibility


async def find_by_idempotency_key(session: AsyncSession, account_id: int, key: str | None) -> Status | None:
    if not key:
        return None
    return await session.scalar(
        select(Status).join(IdempotencyKey, IdempotencyKey.status_id == Status.id)
        .where(IdempotencyKey.account_id == account_id, IdempotencyKey.key == key[:200])
    )


async def create_status(
    session: AsyncSession,
    *,
    site: Site,
    author: Account,
    text: str,
    spoiler_text: str = "",
    sensitive: bool = False,
    visibility: str | None = None,
    language: str | None = None,
    in_reply_to_id: int | None = None,
    application_id: int | None = None,
    idempotency_key: str | None = None,
    default_visibility: str = "public",
) -> Status:
    existing = await find_by_idempotency_key(session, author.id, idempotency_key)
    if existing is not None:
        return existing
    visibility = check_visibility(visibility, default_visibility)
    language = check_language(language, site.default_language)
    if not (text or "").strip():
        raise Invalid("Text can't be blank", field="status")
    parent = await _parent(session, in_reply_to_id, author.id)
    composed = await compose(session, text=text, spoiler_text=spoiler_text, max_characters=site.max_characters,
                             base_url=site.base_url, local_domain=site.domain)
    status = _new_status(site, author, composed, parent, visibility=visibility, language=language,
                         sensitive=sensitive, application_id=application_id)
    session.add(status)
    await session.flush()
    await _write_rows(session, status, composed)
    await count_post(session, status, delta=1, time_zone=site.time_zone)
    if idempotency_key:
        session.add(IdempotencyKey(account_id=author.id, key=idempotency_key[:200], status_id=status.id,
                                   created_at=status.created_at))
    await enqueue(session, "timelines.fan_out", {"status_id": status.id})
    if composed.mentioned or await _has_bell_subscribers(session, author.id):
        await enqueue(session, "notifications.status_posted", {"status_id": status.id})
    await session.flush()
    return status


async def _has_bell_subscribers(session: AsyncSession, author_id: int) -> bool:
    """Most posts mention nobody and ring no bells: then there is no notification job."""
    return bool(await session.scalar(select(exists().where(
        Follow.target_account_id == author_id, Follow.notify.is_(True)))))


async def _parent(session: AsyncSession, in_reply_to_id: int | None, author_id: int) -> Status | None:
    if in_reply_to_id is None:
        return None
    # A reply to a deleted, hidden or blocked status is refused as "not found".
    parent = await get_visible_status(session, in_reply_to_id, author_id)
    if parent.reblog_of_id is not None:
        parent = await get_visible_status(session, parent.reblog_of_id, author_id)
    return parent


def _new_status(
    site: Site, author: Account, composed: Composed, parent: Status | None, *, visibility: str,
    language: str, sensitive: bool, application_id: int | None,
) -> Status:
    status_id = new_id()
    return Status(
        id=status_id,
        account_id=author.id,
        uri=f"{site.base_url}/users/{author.username}/statuses/{status_id}",
        url=f"{site.base_url}/@{author.username}/{status_id}",
        local=True,
        text=composed.text,
        content=composed.content,
        spoiler_text=composed.spoiler_text,
        sensitive=bool(sensitive) or bool(composed.spoiler_text),
        language=language,
        visibility=visibility,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        application_id=application_id,
        created_at=utcnow(),
    )


async def _write_rows(session: AsyncSession, status: Status, composed: Composed) -> None:
    """The first revision, mentions, tags and the author's own feed entry."""
    session.add(StatusEdit(status_id=status.id, account_id=status.account_id, text=status.text,
                           content=status.content, spoiler_text=status.spoiler_text, sensitive=status.sensitive,
                           language=status.language, created_at=status.created_at))
    session.add_all(Mention(status_id=status.id, account_id=a.id) for a in composed.mentioned)
    session.add_all(StatusTag(status_id=status.id, tag_id=t.id) for t in composed.tags)
    # The author sees their own post at once; followers get it from the fan-out job.
    session.add(HomeFeedEntry(account_id=status.account_id, status_id=status.id, author_id=status.account_id))
