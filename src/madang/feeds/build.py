"""RSS 2.0 and Atom 1.0 documents of posts, written by feedgen (no hand-built XML)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from functools import cache
from typing import TYPE_CHECKING, Any

import regex

from madang.core.clock import utcnow
from madang.media.storage import URL_PREFIX
from madang.models import Account
from madang.statuses.views import StatusView
from madang.text import html_to_text
from madang.text.normalizing import xml_safe

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

Kind = Literal["rss", "atom"]
CONTENT_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}
TITLE_GRAPHEMES = 60


@dataclass(frozen=True)
class FeedInfo:
    """The channel: what the feed is, where its page and itself live (absolute URLs)."""

    title: str
    description: str
    page_url: str
    feed_url: str
    icon: str | None = None
    author: Account | None = None


@cache
def _atom_entry_links() -> type:
    """feedgen (and lxml under it) is imported when the first feed is written, not at start-up:
    most processes never write one, and it costs several megabytes."""
    from feedgen.ext.base import BaseEntryExtension

    class AtomEntryLinks(BaseEntryExtension):  # type: ignore[misc]
        """feedgen 1.0 writes an Atom entry's <link> without rel, type and length (a variable
        shadowed in FeedEntry.atom_entry), so a photo's link would read as the post's own. This
        puts them back, in the order the links were given."""

        def __init__(self) -> None:
            self.links: list[dict[str, str]] = []

        def extend_atom(self, entry: Any) -> Any:
            written = [e for e in entry if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] == "link"]
            for element, link in zip(written, self.links):
                for name in ("rel", "type", "length"):
                    if link.get(name):
                        element.attrib[name] = link[name]
            return entry

    return AtomEntryLinks


def absolute(base_url: str, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else base_url + path


def status_url(base_url: str, view: StatusView) -> str:
    """The post's page: the guid and link of its item (a stable, permanent address)."""
    status = view.status
    if status.url and status.url.startswith(("http://", "https://")):
        return status.url
    return f"{base_url}/@{view.account.username}/{status.id}"


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def item_title(view: StatusView) -> str:
    """The content warning when there is one (the post's subject), else the post's first line,
    cut at a grapheme boundary so Hangul and emoji are never split."""
    status = view.status
    if status.spoiler_text.strip():
        return status.spoiler_text.strip()
    text = html_to_text(status.content) if status.content else status.text
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if not line and view.media:
        line = view.media[0].description or ""
    graphemes = regex.findall(r"\X", line)
    if len(graphemes) > TITLE_GRAPHEMES:
        return "".join(graphemes[:TITLE_GRAPHEMES - 1]).rstrip() + "…"
    return line or f"@{view.account.username}"


def updated_at(views: list[StatusView], fallback: datetime | None = None) -> datetime:
    """The newest post's time (edits count): Last-Modified, and the feed's own date."""
    times = [_aware(v.status.edited_at or v.status.created_at) for v in views]
    return max(times) if times else _aware(fallback or utcnow())


def render_feed(info: FeedInfo, views: list[StatusView], *, base_url: str, kind: Kind) -> bytes:
    """Text goes through xml_safe: lxml refuses the control characters that rows written
    before normalize() removed them may still hold, and one would break the whole feed."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("media", atom=False, rss=True)
    feed.id(info.feed_url)
    feed.title(xml_safe(info.title))
    # feedgen takes RSS's <link> from the last link given: self first, the page last.
    feed.link(href=info.feed_url, rel="self", type=CONTENT_TYPES[kind].split(";")[0])
    feed.link(href=info.page_url, rel="alternate", type="text/html")
    feed.description(xml_safe(info.description))
    feed.language("ko")
    feed.generator("madang")
    if info.icon:
        feed.icon(info.icon)
        feed.logo(info.icon)
        if kind == "rss":
            feed.image(url=info.icon, title=xml_safe(info.title), link=info.page_url)
    if info.author is not None:
        feed.author(name=xml_safe(info.author.display_name or info.author.username),
                    uri=absolute(base_url, f"/@{info.author.username}"))
    newest = updated_at(views, info.author.created_at if info.author else None)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for view in views:
        _add_entry(feed, view, base_url=base_url, kind=kind)
    data: bytes = feed.rss_str(pretty=True) if kind == "rss" else feed.atom_str(pretty=True)
    return data


def _add_entry(feed: "FeedGenerator", view: StatusView, *, base_url: str, kind: Kind) -> None:
    status = view.status
    url = status_url(base_url, view)
    entry = feed.add_entry(order="append")
    entry.register_extension("madang_links", _atom_entry_links(), atom=True, rss=False)
    links = entry.madang_links.links
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(xml_safe(item_title(view)))
    entry.link(href=url, rel="alternate", type="text/html")
    links.append({"rel": "alternate", "type": "text/html"})
    entry.content(xml_safe(status.content or "<p></p>"), type="html")  # already rendered and sanitised
    entry.published(_aware(status.created_at))
    entry.updated(_aware(status.edited_at or status.created_at))
    entry.author(name=xml_safe(view.account.display_name or view.account.username),
                 uri=absolute(base_url, f"/@{view.account.username}"))
    for tag in view.tags:
        entry.category(term=xml_safe(tag.name))
    media = [(absolute(base_url, URL_PREFIX + m.file_key), m) for m in view.media]
    if kind == "atom":
        for href, m in media:
            entry.link(href=href, rel="enclosure", type=m.content_type, length=str(m.file_size))
            links.append({"rel": "enclosure", "type": m.content_type, "length": str(m.file_size)})
        return
    if media:  # RSS carries one enclosure; every attachment goes in media:content
        href, first = media[0]
        entry.enclosure(href, str(first.file_size), first.content_type)
    for href, m in media:
        entry.media.content(url=href, type=m.content_type, fileSize=str(m.file_size), medium=m.type
                            if m.type in ("image", "video", "audio") else "image",
                            width=str(m.width), height=str(m.height))
