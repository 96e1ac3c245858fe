"""Posting as the organisation: an ordinary status of the organisation account (fan-out, search,
streams and notifications as for any post) and, in the same transaction, a row saying which
staff member wrote it. The public sees the organisation; only the office sees the author."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.desk.privacy import public_text
from madang.models import Account, Status
from madang.models.office import OfficeFavourite, OfficePost
from madang.office.roles import require_office
from madang.statuses.create import Site, create_status
from madang.statuses.interactions import favourite_status, reblog_status
from madang.statuses.queries import get_visible_status
from madang.statuses.reply_mentions import reply_visibility

MAX_TEXT = 5000


async def said_in_public(
    session: AsyncSession, *, organisation: Account, visibility: str, text: str, spoiler_text: str = "",
) -> tuple[str, str]:
    """The text and content warning of a post by the organisation as they may go out: masked
    (desk.privacy.public_text, as the desk's answers) unless the post is a direct message.
    Replies from the monitor and published drafts (now or at their time) come through here."""
    if visibility == "direct":
        return text, spoiler_text
    return (await public_text(session, organisation_id=organisation.id, text=text),
            await public_text(session, organisation_id=organisation.id, text=spoiler_text) if spoiler_text else "")


async def record_post(
    session: AsyncSession, *, status: Status, organisation_id: int, author_id: int, kind: str = "post",
    draft_id: int | None = None, approved_by_id: int | None = None, category: str | None = None,
) -> OfficePost:
    """Once per status: a job run twice (or a boost given again) keeps the first author."""
    existing = await session.get(OfficePost, status.id)
    if existing is not None:
        return existing
    row = OfficePost(status_id=status.id, organisation_id=organisation_id, account_id=author_id, kind=kind,
                     draft_id=draft_id, approved_by_id=approved_by_id, category=category, created_at=utcnow())
    session.add(row)
    await session.flush()
    return row


async def reply_as_organisation(
    session: AsyncSession, *, organisation: Account, staff_account: Account, in_reply_to: Status | int, text: str,
    site: Site, visibility: str | None = None, spoiler_text: str = "",
) -> Status:
    """A staff member with the respond right answers a post as the organisation. Replies go out at
    once (approval is for announcements); the visibility is no wider than the post answered."""
    await require_office(session, organisation_id=organisation.id, account=staff_account, right="respond")
    target_id = in_reply_to if isinstance(in_reply_to, int) else in_reply_to.id
    parent = await get_visible_status(session, target_id, organisation.id)
    visibility = visibility or reply_visibility(parent.visibility, "public")
    text, spoiler_text = await said_in_public(session, organisation=organisation, visibility=visibility,
                                              text=text, spoiler_text=spoiler_text)
    status = await create_status(
        session, site=site, author=organisation, text=text, spoiler_text=spoiler_text, in_reply_to_id=parent.id,
        visibility=visibility)
    await record_post(session, status=status, organisation_id=organisation.id, author_id=staff_account.id,
                      kind="reply")
    return status


async def reblog_as_organisation(
    session: AsyncSession, *, organisation: Account, staff_account: Account, status: Status | int, site: Site,
) -> Status:
    """Boost a post as the organisation; returns the boost (once, however often asked)."""
    await require_office(session, organisation_id=organisation.id, account=staff_account, right="respond")
    target = await get_visible_status(session, status if isinstance(status, int) else status.id, organisation.id)
    boost = await reblog_status(session, site=site, account=organisation, status=target)
    await record_post(session, status=boost, organisation_id=organisation.id, author_id=staff_account.id,
                      kind="reblog")
    return boost


async def favourite_as_organisation(
    session: AsyncSession, *, organisation: Account, staff_account: Account, status: Status | int,
) -> Status:
    """Favourite a post as the organisation; the office keeps who did it."""
    await require_office(session, organisation_id=organisation.id, account=staff_account, right="respond")
    target = await get_visible_status(session, status if isinstance(status, int) else status.id, organisation.id)
    original = await favourite_status(session, account=organisation, status=target)
    known = await session.scalar(select(OfficeFavourite.id).where(
        OfficeFavourite.organisation_id == organisation.id, OfficeFavourite.status_id == original.id))
    if known is None:
        session.add(OfficeFavourite(id=new_id(), organisation_id=organisation.id, status_id=original.id,
                                    account_id=staff_account.id, created_at=utcnow()))
        await session.flush()
    return original
