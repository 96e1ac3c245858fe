"""The settings page's profile form as one use case: texts, flags, images and preferences."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts import get_account, update_profile
from madang.accounts.rules import check_locale
from madang.core.errors import Invalid, NotFound
from madang.media.file_removal import remove_files_later
from madang.media.storage import MediaStore
from madang.models import Account, User

VISIBILITIES = ("public", "unlisted", "private", "direct")
KEEP = None  # an image argument left as it is
REMOVE = ""  # an image argument to clear


@dataclass
class ProfileForm:
    display_name: str
    note: str
    locked: bool
    bot: bool
    discoverable: bool
    indexable: bool
    locale: str
    default_visibility: str
    fields: list[dict] | None = None  # None: leave the profile's fields as they are


async def edit_profile(session: AsyncSession, *, account_id: int, form: ProfileForm, store: MediaStore,
                       avatar_key: str | None = KEEP, header_key: str | None = KEEP,
                       outbound_allow: str | None = None) -> tuple[Account, User]:
    """Everything is checked before anything is written; a replaced image's old file is
    removed by a job once this commits."""
    if form.default_visibility not in VISIBILITIES:
        raise Invalid("Visibility must be one of public, unlisted, private, direct", field="default_visibility")
    check_locale(form.locale)
    account = await get_account(session, account_id)
    user = await session.scalar(select(User).where(User.account_id == account_id))
    if user is None:
        raise NotFound("Record not found")
    replaced = [old for new, old in ((avatar_key, account.avatar_path), (header_key, account.header_path))
                if new is not None and old and old != new]
    await update_profile(session, account, display_name=form.display_name, note=form.note, locked=form.locked,
                         bot=form.bot, discoverable=form.discoverable, indexable=form.indexable,
                         avatar_path=avatar_key, header_path=header_key, fields=form.fields,
                         outbound_allow=outbound_allow)
    user.locale = form.locale
    user.default_visibility = form.default_visibility
    session.add(user)
    if replaced:
        await remove_files_later(session, store=store, keys=replaced)
    await session.flush()
    return account, user
