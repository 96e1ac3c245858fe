"""Writing announcements: who may (an instance admin, or an office admin of an organisation on
this server: the city's communication office tells everyone at once), and the rules a notice
keeps. Every change is in the audit log and empties the active list's process copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.profiles import render_note_html
from madang.announcements.reading import forget_active
from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.models import Account, Announcement, AnnouncementDismissal, AnnouncementReaction
from madang.moderation.audit import record_action
from madang.moderation.permissions import is_admin_or_office_admin
from madang.text.normalizing import normalize

TEXT_MAX = 1000
NOT_MANAGER = "공지는 서버 관리자나 민원 총괄만 쓸 수 있습니다"


async def may_manage(session: AsyncSession, account: Account) -> bool:
    return await is_admin_or_office_admin(session, account)


async def require_manager(session: AsyncSession, account: Account) -> None:
    if not await may_manage(session, account):
        raise Forbidden(NOT_MANAGER, needs=("instance_admin", "office_admin"))


@dataclass
class AnnouncementForm:
    """What the writer gives. ``starts_at``/``ends_at``: the period the notice is about (an
    all-day notice: midnight in the server's zone of its first and last day); it is hidden
    once that period is over. ``publish_at``: when it appears (None: a draft; past: now)."""

    text: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    publish_at: datetime | None = None


def _checked(form: AnnouncementForm) -> str:
    text = normalize(form.text or "").strip()
    if not text:
        raise Invalid("공지 내용을 적어 주세요", field="text")
    if len(text) > TEXT_MAX:
        raise Invalid(f"공지는 {TEXT_MAX}자까지 쓸 수 있습니다", field="text")
    if form.starts_at and form.ends_at and form.ends_at < form.starts_at:
        raise Invalid("끝나는 때가 시작하는 때보다 앞섭니다", field="ends_at")
    if form.all_day and not (form.starts_at and form.ends_at):
        raise Invalid("하루 종일 공지에는 시작일과 종료일이 필요합니다", field="starts_at")
    return text


async def create_announcement(session: AsyncSession, *, actor: Account, form: AnnouncementForm,
                              base_url: str) -> Announcement:
    await require_manager(session, actor)
    text = _checked(form)
    now = utcnow()
    row = Announcement(text=text, content=render_note_html(text, base_url=base_url), starts_at=form.starts_at,
                       ends_at=form.ends_at, all_day=form.all_day,
                       published_at=None if form.publish_at is None else max(form.publish_at, now),
                       created_at=now, updated_at=now, author_id=actor.id)
    session.add(row)
    await session.flush()
    await record_action(session, actor=actor, action="create_announcement", details={"announcement_id": str(row.id)})
    forget_active(session)
    return row


async def _find(session: AsyncSession, announcement_id: int) -> Announcement:
    row = await session.get(Announcement, announcement_id)
    if row is None:
        raise NotFound("공지를 찾을 수 없습니다")
    return row


async def update_announcement(session: AsyncSession, *, actor: Account, announcement_id: int,
                              form: AnnouncementForm, base_url: str) -> Announcement:
    """A correction keeps the notice's place and publication; clients see the new text."""
    await require_manager(session, actor)
    row = await _find(session, announcement_id)
    text = _checked(form)
    row.text, row.content = text, render_note_html(text, base_url=base_url)
    row.starts_at, row.ends_at, row.all_day = form.starts_at, form.ends_at, form.all_day
    row.updated_at = utcnow()
    await record_action(session, actor=actor, action="update_announcement", details={"announcement_id": str(row.id)})
    forget_active(session)
    return row


async def publish_announcement(session: AsyncSession, *, actor: Account, announcement_id: int) -> Announcement:
    await require_manager(session, actor)
    row = await _find(session, announcement_id)
    now = utcnow()
    if row.published_at is None or row.published_at > now:
        row.published_at = row.updated_at = now
        await record_action(session, actor=actor, action="publish_announcement",
                            details={"announcement_id": str(row.id)})
        forget_active(session)
    return row


async def unpublish_announcement(session: AsyncSession, *, actor: Account, announcement_id: int) -> Announcement:
    await require_manager(session, actor)
    row = await _find(session, announcement_id)
    if row.published_at is not None:
        row.published_at = None
        row.updated_at = utcnow()
        await record_action(session, actor=actor, action="unpublish_announcement",
                            details={"announcement_id": str(row.id)})
        forget_active(session)
    return row


async def delete_announcement(session: AsyncSession, *, actor: Account, announcement_id: int) -> None:
    await require_manager(session, actor)
    row = await _find(session, announcement_id)
    await record_action(session, actor=actor, action="delete_announcement",
                        details={"announcement_id": str(row.id), "text": row.text[:200]})
    for model in (AnnouncementReaction, AnnouncementDismissal):
        await session.execute(delete(model).where(model.announcement_id == row.id))
    await session.execute(delete(Announcement).where(Announcement.id == row.id))
    forget_active(session)


async def list_all_announcements(session: AsyncSession, *, actor: Account, limit: int = 100) -> list[Announcement]:
    """Every announcement, drafts and past ones too, newest first: for the writers' page."""
    await require_manager(session, actor)
    return list(await session.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit)))


def parse_form(*, text: str, starts_at: str, ends_at: str, all_day: bool, publish: str, publish_at: str,
               time_zone: str) -> AnnouncementForm:
    """A form's strings in the server's zone: ``2026-07-20T09:00`` (a date alone for an all-day
    notice's days); ``publish``: "now", "draft" or "at" (then ``publish_at``)."""
    zone = ZoneInfo(time_zone)

    def moment(value: str, name: str, *, day: bool = False) -> datetime | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value) if "T" in value or " " in value else \
                datetime.combine(date.fromisoformat(value), time(0))
        except ValueError:
            raise Invalid("날짜와 시각은 2026-07-20 09:00처럼 적어 주세요", field=name) from None
        if day:  # an all-day notice is about whole days: their midnights
            parsed = parsed.replace(hour=0, minute=0, second=0, microsecond=0)
        return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed

    if publish not in ("now", "draft", "at"):
        raise Invalid("게시 방법을 골라 주세요", field="publish")
    when = moment(publish_at, "publish_at") if publish == "at" else None
    if publish == "at" and when is None:
        raise Invalid("게시할 때를 적어 주세요", field="publish_at")
    return AnnouncementForm(text=text, starts_at=moment(starts_at, "starts_at", day=all_day),
                            ends_at=moment(ends_at, "ends_at", day=all_day), all_day=all_day,
                            publish_at=utcnow() if publish == "now" else when)
