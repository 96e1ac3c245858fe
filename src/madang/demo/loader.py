"""Writes the demo city (city.toml, read by madang.demo.city) through the same use cases a
citizen's requests call, with the clock set to each event's time so the city's history reads
right (the mayor silent for 41 days, each post in the season of its day). Images go through the
media pipeline and are stored before the one transaction; the follow-up jobs (fan-out,
notifications, the desk's intake) run afterwards."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang import accounts
from madang.core import clock as clock_module
from madang.core.clock import FrozenClock
from madang.core.settings import Settings
from madang.db import Database
from madang.demo.city import CITY, DemoCity, image_bytes
from madang.jobs import Worker
from madang.media.profile_images import store_profile_image
from madang.media.storage import MediaStore, store_of
from madang.media.uploads import StoredUpload, create_media_attachment, discard_upload, store_upload
from madang.models import Account, Status, User
from madang.statuses.create import Site, create_status
from madang.statuses.interactions import favourite_status, reblog_status

SEOUL = timezone(timedelta(hours=9))


def demo_today(now: datetime | None = None) -> datetime:
    """Today at 15:00 Seoul time: every demo event is placed relative to it."""
    now = (now or datetime.now(timezone.utc)).astimezone(SEOUL)
    return now.replace(hour=15, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


async def is_empty(db: Database) -> bool:
    async with db.read() as session:
        return not await session.scalar(select(func.count()).select_from(Account))


@dataclass
class _Images:
    """The demo's images, processed and stored before the write unit opens (as an upload is)."""

    store: MediaStore
    avatars: dict[str, str] = field(default_factory=dict)  # username -> stored avatar key
    photos: dict[tuple[str, int], StoredUpload] = field(default_factory=dict)  # (post key, n) -> upload

    @classmethod
    async def stored(cls, city: DemoCity, settings: Settings) -> _Images:
        images = cls(store_of(settings))
        try:
            for a in city.accounts:
                if a.avatar:
                    data = image_bytes(a.avatar)
                    images.avatars[a.username] = await store_profile_image(
                        images.store, io.BytesIO(data), kind="avatar", size=len(data),
                        max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels)
            for post in city.posts:
                for n, media in enumerate(post.media):
                    data = image_bytes(media.file)
                    images.photos[post.key, n] = await store_upload(
                        images.store, data, size=len(data), max_bytes=settings.media_max_bytes,
                        max_pixels=settings.media_max_pixels)
        except BaseException:
            await asyncio.shield(images.discard())
            raise
        return images

    async def discard(self) -> None:
        for key in self.avatars.values():
            await asyncio.to_thread(self.store.delete, key)
        for upload in self.photos.values():
            await discard_upload(self.store, upload)


async def _write(session: AsyncSession, city: DemoCity, site: Site, today: datetime, images: _Images) -> None:
    real = clock_module.clock
    try:
        first = today - max(p.ago for p in city.posts) - timedelta(days=30)
        by_name: dict[str, Account] = {}
        # Fifty citizens share one demo password: hash each distinct password once.
        hashes = {password: accounts.hash_password(password) for password in {a.password for a in city.accounts}}
        for n, a in enumerate(city.accounts):
            clock_module.set_clock(FrozenClock(first + timedelta(minutes=n)))
            account, _ = await accounts.register_account(
                session, username=a.username, email=a.email, password=a.password, display_name=a.display_name,
                note=a.note, base_url=site.base_url, organisation=a.organisation, verified=a.verified,
                locked=a.locked, bot=a.bot, password_hash=hashes[a.password],
            )
            by_name[a.username] = account
            if a.admin:
                user = await session.scalar(select(User).where(User.account_id == account.id))
                user.admin = True
            if a.username in images.avatars:
                await accounts.update_profile(session, account, avatar_path=images.avatars[a.username])
        for n, f in enumerate(city.follows):
            clock_module.set_clock(FrozenClock(first + timedelta(days=1, seconds=n)))
            result = await accounts.follow_account(session, account=by_name[f.follower], target=by_name[f.followee])
            if result.requested:
                await accounts.authorize_follow_request(session, account=by_name[f.followee],
                                                        requester=by_name[f.follower])
        posts: dict[str, Status] = {}
        events: list[tuple[timedelta, int, object]] = [(p.ago, 0, p) for p in city.posts]
        events += [(r.ago, 1, r) for r in city.reblogs]
        for ago, _, event in sorted(events, key=lambda e: (-e[0], e[1])):
            clock_module.set_clock(FrozenClock(today - ago))
            if hasattr(event, "text"):
                post = event
                author = by_name[post.author]
                media_ids = [(await create_media_attachment(
                    session, store=images.store, account_id=author.id, upload=images.photos[post.key, n],
                    description=media.description)).id for n, media in enumerate(post.media)]
                posts[post.key] = await create_status(
                    session, site=site, author=author, text=post.text_on((today - ago).astimezone(SEOUL).date()),
                    spoiler_text=post.spoiler_text, visibility=post.visibility,
                    in_reply_to_id=posts[post.in_reply_to].id if post.in_reply_to else None,
                    media_ids=media_ids or None,
                )
            else:
                await reblog_status(session, site=site, account=by_name[event.account], status=posts[event.post])
        for n, fav in enumerate(city.favourites):
            target = posts[fav.post]
            clock_module.set_clock(FrozenClock(max(target.created_at + timedelta(minutes=5 + n % 50),
                                                   target.created_at)))
            await favourite_status(session, account=by_name[fav.account], status=target)
    finally:
        clock_module.set_clock(real)


async def load_demo(db: Database, settings: Settings, *, today: datetime | None = None,
                    city: DemoCity = CITY) -> None:
    site = Site.of(settings)
    images = await _Images.stored(city, settings)
    try:
        async with db.write() as session:
            await _write(session, city, site, demo_today(today), images)
            from madang.demo.desk import load_desk  # the city's 민원 desk, before the intake jobs run

            await load_desk(session, city)
            from madang.demo.open311 import load_open311  # its services, for the desk's departments

            await load_open311(session, city)
    except BaseException:
        await asyncio.shield(images.discard())
        raise
    await Worker(db).run_until_idle(timeout=300)
