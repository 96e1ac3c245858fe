"""Making short links: the long URL checked, a fresh code, and the post it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid
from madang.links.codes import CODE_LENGTH, new_code
from madang.models.short_links import ShortLink

MAX_URL_LENGTH = 2000  # what browsers and proxies reliably pass on
_ATTEMPTS = 5


def check_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL a browser can follow; Invalid otherwise."""
    url = (url or "").strip()
    if not url:
        raise Invalid("주소를 입력해 주세요", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise Invalid(f"주소는 {MAX_URL_LENGTH:,}자까지 쓸 수 있습니다", field="url")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise Invalid("주소에 공백이나 제어 문자가 있습니다", field="url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise Invalid("올바른 주소가 아닙니다", field="url") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise Invalid("http:// 또는 https://로 시작하는 주소만 줄일 수 있습니다", field="url")
    return url


async def create_short_link(
    session: AsyncSession, *, url: str, account_id: int | None, created_by_id: int | None,
    status_id: int | None = None,
) -> ShortLink:
    """A new short link (never an existing one for the same URL: each counts its own clicks,
    so two posts linking the same page are told apart)."""
    url = check_url(url)
    for _ in range(_ATTEMPTS):
        code = new_code()
        # A clash is about one in a trillion; checking first keeps the transaction usable
        # (a failed INSERT would abort it on PostgreSQL).
        if await session.scalar(select(ShortLink.id).where(ShortLink.code == code)) is None:
            break
    else:  # pragma: no cover - five clashes in a row means the code space is full
        raise Conflict("짧은 주소를 만들지 못했습니다. 다시 시도해 주세요", field="url")
    link = ShortLink(code=code, url=url, account_id=account_id, status_id=status_id, created_by_id=created_by_id,
                     created_at=utcnow())
    session.add(link)
    await session.flush()
    return link


async def attach_links_to_status(session: AsyncSession, links: Iterable[ShortLink], status_id: int) -> None:
    """Record the post the links were made for (they are made before the post exists)."""
    links = list(links)
    ids = [link.id for link in links]
    if not ids:
        return
    await session.execute(update(ShortLink).where(ShortLink.id.in_(ids)).values(status_id=status_id)
                          .execution_options(synchronize_session=False))
    for link in links:
        link.status_id = status_id


_SHORT_PATH = re.compile(r"/s/([A-Za-z0-9]{%d})(?![A-Za-z0-9])" % CODE_LENGTH)


async def attach_links_in_text(session: AsyncSession, *, text: str, account_id: int, status_id: int) -> int:
    """Links made earlier for ``account_id`` (a draft's, shortened when it was written) that the
    published text still carries now point at the post; returns how many. Links already tied to
    another post, or made for someone else, are left alone."""
    codes = set(_SHORT_PATH.findall(text or ""))
    if not codes:
        return 0
    result = await session.execute(
        update(ShortLink).where(ShortLink.code.in_(codes), ShortLink.account_id == account_id,
                                ShortLink.status_id.is_(None))
        .values(status_id=status_id).execution_options(synchronize_session=False))
    return result.rowcount or 0
