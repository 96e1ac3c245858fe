"""Fetching a feed over HTTP(S) with httpx: a time limit, a size limit, conditional GET, and no
request to this machine or its private network (unless the instance allows it, for tests)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from madang.blog.parsing import FeedError, ParsedFeed, parse_feed

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
USER_AGENT = "madang-blog/0.1 (+https://github.com/madang)"


@dataclass(frozen=True)
class FetchLimits:
    allow_private: bool = False
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Fetched:
    feed: ParsedFeed | None  # None: not modified since the validators given
    etag: str | None
    modified: str | None


async def fetch_feed(url: str, *, limits: FetchLimits, etag: str | None = None,
                     modified: str | None = None) -> Fetched:
    """The feed at ``url`` read; FeedError (with a message for staff) for anything that fails."""
    import httpx  # on first use: with its command-line extras (rich, pygments) it is ~8 MB resident

    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified

    async def check_hop(request: httpx.Request) -> None:
        # Every request, redirects included, must be http(s) to a public address.
        await check_target(str(request.url), allow_private=limits.allow_private)

    try:
        async with asyncio.timeout(limits.timeout * 2):
            async with httpx.AsyncClient(timeout=limits.timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
                                         trust_env=False, event_hooks={"request": [check_hop]}) as client:
                async with client.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304:
                        return Fetched(None, etag, modified)
                    if response.status_code != 200:
                        raise FeedError(f"서버가 HTTP {response.status_code}(으)로 답했습니다")
                    body = await _read_limited(response, limits.max_bytes)
                    final_url = str(response.url)
                    content_type = response.headers.get("content-type", "")
                    new_etag = response.headers.get("etag")
                    new_modified = response.headers.get("last-modified")
    except TimeoutError:
        raise FeedError("시간 안에 응답하지 않았습니다") from None
    except httpx.TooManyRedirects:
        raise FeedError("다른 주소로 너무 여러 번 넘겨졌습니다") from None
    except httpx.TimeoutException:
        raise FeedError("시간 안에 응답하지 않았습니다") from None
    except httpx.HTTPError as exc:
        raise FeedError(f"연결할 수 없습니다 ({type(exc).__name__})") from None
    # Parsing is CPU work on a document of up to 2 MiB: off the event loop.
    feed = await asyncio.to_thread(parse_feed, body, url=final_url, content_type=content_type)
    return Fetched(feed, (new_etag or "")[:500] or None, (new_modified or "")[:100] or None)


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedError(f"피드가 너무 큽니다 ({limit // (1024 * 1024)} MiB까지 읽습니다)")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FeedError(f"피드가 너무 큽니다 ({limit // (1024 * 1024)} MiB까지 읽습니다)")
        chunks.append(chunk)
    return b"".join(chunks)


async def check_target(url: str, *, allow_private: bool) -> None:
    """http(s) only, and (unless allowed) a host that resolves to public addresses only, so a
    feed address cannot make the server read its own admin pages or its neighbours'. The name is
    resolved again by the connection: a DNS answer that changes in between is not covered."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError("http:// 또는 https:// 주소만 읽을 수 있습니다")
    if allow_private:
        return
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            raise FeedError(f"{host} 주소를 찾을 수 없습니다") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved or a.is_multicast
           or a.is_unspecified for a in addresses):
        raise FeedError(f"{host}은(는) 내부망 주소라서 읽을 수 없습니다")
