"""Reading a fetched feed with feedparser: its title and its entries, oldest first, each with the
key that says whether it was seen before. A document that is not well-formed RSS or Atom is
refused whole (FeedError): half of a broken feed could be read differently next time and its
entries posted twice."""

from __future__ import annotations

import calendar
import hashlib
import html
import io
from dataclasses import dataclass
from datetime import datetime, timezone

import nh3

KEY_LENGTH = 255
TITLE_LENGTH = 200


class FeedError(Exception):
    """The feed could not be fetched or read; ``message`` is shown to staff (Korean)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedEntry:
    key: str
    title: str
    link: str | None
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]  # oldest first: the order they are announced in


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    import feedparser  # on first use: only the process that polls feeds needs it

    # feedparser notes these but reads the document fine: a wrong declared charset or content type.
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    # A file-like object, never bytes or str: feedparser opens a str as a URL or a file name.
    document = feedparser.parse(io.BytesIO(body), response_headers={
        "content-location": url, "content-type": content_type or "application/xml"})
    problem = document.get("bozo_exception")
    if document.get("bozo") and not isinstance(problem, harmless):
        raise FeedError(f"피드의 XML이 올바르지 않습니다 ({_short(problem)})")
    if not document.get("version"):
        raise FeedError("RSS나 Atom 피드가 아닙니다")
    entries = [_entry(e) for e in document.entries]
    # Feeds list the newest first, usually; the dates decide when every entry has one.
    entries.reverse()
    if entries and all(e.published for e in entries):
        entries.sort(key=lambda e: e.published)  # type: ignore[arg-type, return-value]
    return ParsedFeed(title=plain(document.feed.get("title", ""))[:TITLE_LENGTH], entries=entries)


def plain(text: str) -> str:
    """A title as plain text on one line (titles may carry HTML and entities)."""
    return " ".join(html.unescape(nh3.clean(text or "", tags=set())).split())


def _entry(entry: dict) -> FeedEntry:
    title = plain(entry.get("title", ""))
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc) if parsed else None
    link = (entry.get("link") or "").strip() or None
    key = (entry.get("id") or "").strip() or link
    if not key:
        key = "sha256:" + hashlib.sha256(f"{title}\n{published.isoformat() if published else ''}".encode()).hexdigest()
    if len(key) > KEY_LENGTH:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return FeedEntry(key=key, title=title, link=link, published=published)


def _short(problem: object) -> str:
    return str(problem)[:200] if problem else "알 수 없는 오류"
