"""Fetching a feed over HTTP(S) through the guarded client (madang.net): a time limit, a size
limit, conditional GET, and no request to this machine or its private network (unless the
operator's allow-list names it, for tests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from madang.blog.parsing import FeedError, ParsedFeed, parse_feed
from madang.net import GuardedClient, OutboundError, OutboundPolicy, Refused, Timeout, TooLarge, TooManyRedirects
from madang.net.guarded import check_url

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
USER_AGENT = "madang-blog/0.1 (+https://github.com/madang)"


@dataclass(frozen=True)
class FetchLimits:
    # MADANG_OUTBOUND_ALLOW: hosts and networks reachable though not public (kept as text: the
    # limits travel in job payloads).
    allow: str = ""
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES

    @classmethod
    def from_payload(cls, payload: dict) -> FetchLimits:
        """Payloads written before the allow-list (with ``allow_private``) still load."""
        return cls(**{k: v for k, v in payload.items() if k in ("allow", "timeout", "max_bytes")})


@dataclass(frozen=True)
class Fetched:
    feed: ParsedFeed | None  # None: not modified since the validators given
    etag: str | None
    modified: str | None


async def fetch_feed(url: str, *, limits: FetchLimits, etag: str | None = None,
                     modified: str | None = None) -> Fetched:
    """The feed at ``url`` read; FeedError (with a message for staff) for anything that fails."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    check_address(url)
    try:
        async with GuardedClient(OutboundPolicy.parse(limits.allow), timeout=limits.timeout,
                                 max_bytes=limits.max_bytes, max_redirects=MAX_REDIRECTS,
                                 user_agent=USER_AGENT) as client:
            answer = await client.get(url, headers=headers)
    except TooLarge:
        raise FeedError(f"피드가 너무 큽니다 ({limits.max_bytes // (1024 * 1024)} MiB까지 읽습니다)") from None
    except TooManyRedirects:
        raise FeedError("다른 주소로 너무 여러 번 넘겨졌습니다") from None
    except Timeout:
        raise FeedError("시간 안에 응답하지 않았습니다") from None
    except Refused as exc:
        raise FeedError(f"내부망 주소라서 읽을 수 없습니다 ({exc})") from None
    except OutboundError as exc:
        raise FeedError(f"연결할 수 없습니다 ({exc})") from None
    if answer.status_code == 304:
        return Fetched(None, etag, modified)
    if answer.status_code != 200:
        raise FeedError(f"서버가 HTTP {answer.status_code}(으)로 답했습니다")
    # Parsing is CPU work on a document of up to 2 MiB: off the event loop.
    feed = await asyncio.to_thread(parse_feed, answer.content, url=answer.url,
                                   content_type=answer.headers.get("content-type", ""))
    new_etag, new_modified = answer.headers.get("etag"), answer.headers.get("last-modified")
    return Fetched(feed, (new_etag or "")[:500] or None, (new_modified or "")[:100] or None)


def check_address(url: str) -> None:
    """http(s) with a host name that can be written (IDNA): FeedError with a message for staff.
    Where the host leads is checked when the connection is made (madang.net)."""
    try:
        check_url(url)
    except Refused:
        raise FeedError("http:// 또는 https:// 주소만 읽을 수 있습니다 (주소를 확인해 주세요)") from None
