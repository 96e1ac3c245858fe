"""The guarded HTTP client (httpx): every connection goes only where OutboundPolicy permits.

How it holds:
- The name is resolved once, inside the connection: every address it resolves to is checked,
  and the socket connects to a checked address. No second lookup, so a DNS answer that changes
  between the check and the connection (rebinding) cannot send it elsewhere. TLS still
  verifies the certificate against the name, and Host and SNI carry the name.
- Redirects are followed here, hop by hop (http and https only), each hop's connection
  checked the same way.
- The body is read as it streams, up to ``max_bytes`` (after decompression), and the whole
  exchange, redirects included, runs within ``total_seconds``.

Used by the blog's feed fetcher and Web Push; federation's fetches and deliveries will be too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import socket
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from madang.net.addresses import OutboundPolicy

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
# What a host can be once httpx has IDNA-encoded it: a DNS name or an IP literal.
_HOST = re.compile(r"[A-Za-z0-9_.-]+|[0-9A-Fa-f:.]+")


class OutboundError(Exception):
    """A fetch that did not happen or did not finish; ``str()`` says why, for logs and staff."""


class Refused(OutboundError):
    """The URL or an address it leads to is not one the server may reach."""


class TooLarge(OutboundError):
    """The answer is longer than the call allows (declared or read so far)."""


class TooManyRedirects(OutboundError):
    """More redirects than the call allows, each hop checked."""


class Timeout(OutboundError):
    """The whole exchange (resolving, connecting, every hop, the body) took too long."""


class Unreachable(OutboundError):
    """DNS, connection or protocol failure: the other side may be back later."""


@dataclass(frozen=True)
class Answer:
    """A response read whole (within the size limit)."""

    status_code: int
    headers: Mapping[str, str]
    url: str  # after redirects
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def _tls() -> ssl.SSLContext:
    """``SSL_CERT_FILE``, when set, names the bundle instead of certifi's (the federation lab
    trusts its own CA only through it); certificates are checked either way."""
    return _context(os.environ.get("SSL_CERT_FILE") or None)


@cache
def _context(cafile: str | None) -> ssl.SSLContext:
    """The CA bundle costs ~15 ms to load: once per process (and bundle), only in one that fetches."""
    if cafile:
        return ssl.create_default_context(cafile=cafile)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _backend(policy: OutboundPolicy) -> Any:
    import httpcore

    class GuardedBackend(httpcore.AsyncNetworkBackend):  # type: ignore[misc]
        """Resolves the name once, checks every address, connects to a checked one."""

        def __init__(self) -> None:
            self.inner = httpcore.AnyIOBackend()

        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None, socket_options: Any = None) -> Any:
            addresses = await _resolve(host, port, timeout)
            refused = [a for a in addresses if not policy.permits(host, a)]
            if refused:  # one private answer among public ones is refusal enough
                raise Refused(f"{host} leads to {refused[0]}, which is not a public address")
            for address in addresses[:-1]:  # in the resolver's order, as a plain connect would
                try:
                    return await self.inner.connect_tcp(str(address), port, timeout=timeout,
                                                        local_address=local_address, socket_options=socket_options)
                except httpcore.ConnectError:
                    continue
            return await self.inner.connect_tcp(str(addresses[-1]), port, timeout=timeout,
                                                local_address=local_address, socket_options=socket_options)

        async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
            raise Refused("no Unix sockets")

        async def sleep(self, seconds: float) -> None:
            await self.inner.sleep(seconds)

    return GuardedBackend()


async def _resolve(host: str, port: int, timeout: float | None) -> list[Any]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        async with asyncio.timeout(timeout):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise Timeout(f"{host}: no DNS answer in time") from None
    except (OSError, UnicodeError):
        raise Unreachable(f"{host}: no such host") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise Unreachable(f"{host}: no such host")
    return addresses


def _transport(policy: OutboundPolicy, verify: ssl.SSLContext) -> Any:
    import httpcore
    import httpx

    transport = httpx.AsyncHTTPTransport(verify=verify, trust_env=False)
    # httpx takes no network backend of its own: the pool it made is replaced by one that
    # connects through the guard (same settings; proxies are never used here).
    transport._pool = httpcore.AsyncConnectionPool(ssl_context=verify, network_backend=_backend(policy))  # noqa: SLF001
    return transport


def check_url(url: str) -> httpx.URL:
    """An absolute http(s) URL with a host httpx can encode (IDNA); Refused otherwise."""
    import httpx

    try:
        parsed = httpx.URL(url)
        host = parsed.host
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise Refused(f"not a usable address: {exc}") from None
    if parsed.scheme not in ("http", "https") or not host:
        raise Refused("only http:// and https:// addresses can be fetched")
    if not _HOST.fullmatch(host):
        raise Refused(f"not a usable host name: {host}")
    return parsed


class GuardedClient:
    """``async with GuardedClient(policy) as client: answer = await client.get(url)``.

    ``get`` and ``post`` return an Answer read within the size limit; ``stream`` yields the
    final httpx.Response (after redirects) for a caller that reads it with ``read_body``.
    Every failure is an OutboundError."""

    def __init__(self, policy: OutboundPolicy, *, timeout: float = TIMEOUT_SECONDS,
                 total_seconds: float | None = None, max_bytes: int = MAX_BYTES,
                 max_redirects: int = MAX_REDIRECTS, user_agent: str = "madang",
                 verify: ssl.SSLContext | None = None) -> None:
        import httpx

        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.total_seconds = total_seconds if total_seconds is not None else timeout * 2
        self._client = httpx.AsyncClient(
            transport=_transport(policy, verify or _tls()), timeout=timeout, follow_redirects=False,
            trust_env=False, headers={"User-Agent": user_agent})

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None,
                  max_bytes: int | None = None) -> Answer:
        return await self.request("GET", url, headers=headers, max_bytes=max_bytes)

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str] | None = None,
                   max_bytes: int | None = None, follow_redirects: bool = False) -> Answer:
        return await self.request("POST", url, content=content, headers=headers, max_bytes=max_bytes,
                                  follow_redirects=follow_redirects)

    async def request(self, method: str, url: str, *, content: bytes | None = None,
                      headers: Mapping[str, str] | None = None, max_bytes: int | None = None,
                      follow_redirects: bool = True) -> Answer:
        async with self.stream(method, url, content=content, headers=headers,
                               follow_redirects=follow_redirects) as response:
            body = await read_body(response, self.max_bytes if max_bytes is None else max_bytes)
            return Answer(response.status_code, response.headers, str(response.url), body)

    @asynccontextmanager
    async def stream(self, method: str, url: str, *, content: bytes | None = None,
                     headers: Mapping[str, str] | None = None,
                     follow_redirects: bool = True) -> AsyncIterator[httpx.Response]:
        import httpx

        target = check_url(url)
        try:
            async with asyncio.timeout(self.total_seconds):
                for _hop in range(self.max_redirects + 1):
                    request = self._client.build_request(method, target, content=content, headers=headers)
                    response = await self._client.send(request, stream=True)
                    try:
                        location = response.headers.get("location")
                        if not (follow_redirects and response.status_code in REDIRECTS and location):
                            yield response
                            return
                        target = check_url(str(response.url.join(location)))
                        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                            method, content = "GET", None
                    finally:
                        await response.aclose()
                raise TooManyRedirects(f"more than {self.max_redirects} redirects")
        except TimeoutError:
            raise Timeout(f"no complete answer within {self.total_seconds:g} s") from None
        except httpx.TimeoutException:
            raise Timeout("the other side did not answer in time") from None
        except httpx.HTTPError as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from None


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The body, refused once it passes ``limit`` bytes (declared or as it arrives, decompressed)."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the answer is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the answer is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
