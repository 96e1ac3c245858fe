"""Shortening the long links of a post before it is posted (the office composer's option).

Call it in the posting use case's unit, then ``attach_links_to_status`` once the post exists:

    text, links = await shorten_links_in_text(session, text=text, account_id=org.id,
                                              created_by_id=staff.id, base_url=site.base_url)
    status = await create_status(session, site=site, author=org, text=text, ...)
    await attach_links_to_status(session, links, status.id)
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from madang.links.codes import CODE_LENGTH
from madang.links.creating import MAX_URL_LENGTH, create_short_link
from madang.models.short_links import ShortLink
from madang.text.extraction import parse


def short_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/s/{code}"


async def shorten_links_in_text(
    session: AsyncSession, *, text: str, account_id: int | None, created_by_id: int | None, base_url: str,
    min_length: int | None = None,
) -> tuple[str, list[ShortLink]]:
    """The text with each http(s) link of at least ``min_length`` characters replaced by a new
    short link, and those links (a URL written twice gets one link). The links are found the way
    the post's length is counted (``text.extraction``), so what is replaced is what counts as a
    link. By default only links longer than their short form are replaced; ``min_length=0``
    replaces every link. The site's own short links are left as they are.

    The post's length does not change: a link counts 23 characters whatever its length."""
    own = short_url(base_url, "")
    if min_length is None:
        min_length = len(own) + CODE_LENGTH + 1
    parsed = parse(text)
    pieces: list[str] = []
    made: dict[str, ShortLink] = {}
    position = 0
    for token in parsed.urls:
        url = token.url
        if len(url) < min_length or url.startswith(own) or len(url) > MAX_URL_LENGTH:
            continue
        link = made.get(url)
        if link is None:
            link = made[url] = await create_short_link(session, url=url, account_id=account_id,
                                                       created_by_id=created_by_id)
        pieces += [parsed.text[position:token.start], short_url(base_url, link.code)]
        position = token.end
    pieces.append(parsed.text[position:])
    return "".join(pieces), list(made.values())
