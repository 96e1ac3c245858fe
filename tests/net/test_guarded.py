"""The guarded client against real loopback servers: what it refuses, what the allow-list lets
through, redirects re-checked at every hop, and bodies and time bounded."""

from __future__ import annotations

import ipaddress

import pytest

from madang.net import GuardedClient, OutboundPolicy, Refused, Timeout, TooLarge, TooManyRedirects
from madang.net.addresses import is_public
from tests.net.loopback import chunked, loopback_server

OK = lambda: (200, {"Content-Type": "text/plain"}, b"hello")  # noqa: E731


def redirect(to: str):  # type: ignore[no-untyped-def]
    return lambda: (302, {"Location": to}, b"")


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254",
    "0.0.0.0", "::1", "fe80::1", "fc00::1", "2002:7f00:1::", "2002:a9fe:a9fe::1", "::ffff:127.0.0.1",
    "64:ff9b::7f00:1", "224.0.0.1", "ff02::1",
])
def test_addresses_that_are_not_globally_routable_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not OutboundPolicy().permits("example.org", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "211.43.216.1", "2001:4860:4860::8888", "2606:4700::1"])
def test_public_addresses_pass(address: str) -> None:
    assert OutboundPolicy().permits("example.org", ipaddress.ip_address(address))


async def test_a_loopback_server_is_refused_by_default_and_reached_when_allowed() -> None:
    with loopback_server({"/": OK}) as base:
        async with GuardedClient(OutboundPolicy()) as client:
            with pytest.raises(Refused, match="127.0.0.1"):
                await client.get(base + "/")
            with pytest.raises(Refused):  # by name too: localhost resolves to loopback
                await client.get(base.replace("127.0.0.1", "localhost") + "/")
        async with GuardedClient(OutboundPolicy.parse("127.0.0.1/32")) as client:
            answer = await client.get(base + "/")
        assert answer.status_code == 200 and answer.content == b"hello"


async def test_literal_addresses_in_ranges_is_global_misses_are_refused_without_a_connection() -> None:
    async with GuardedClient(OutboundPolicy(), timeout=1) as client:
        for url in ("http://[2002:7f00:1::]/", "http://100.64.0.1/", "http://169.254.169.254/latest/meta-data/",
                    "http://[::ffff:127.0.0.1]/"):
            with pytest.raises(Refused):
                await client.get(url)


async def test_every_redirect_is_checked_again() -> None:
    """The allowed host (by name) sends the client to loopback, metadata and CGNAT addresses."""
    with loopback_server({"/": OK}) as inner:
        routes = {"/loop": redirect(inner + "/"), "/meta": redirect("http://169.254.169.254/latest/meta-data/"),
                  "/cgnat": redirect("http://100.64.0.1/"), "/ok": redirect("/final"), "/final": OK,
                  "/ftp": redirect("ftp://example.org/")}
        with loopback_server(routes) as outer:
            allowed = outer.replace("127.0.0.1", "localhost")
            async with GuardedClient(OutboundPolicy.parse("localhost"), timeout=2) as client:
                for path in ("/loop", "/meta", "/cgnat", "/ftp"):
                    with pytest.raises(Refused):
                        await client.get(allowed + path)
                answer = await client.get(allowed + "/ok")
            assert answer.status_code == 200 and answer.url == allowed + "/final"


async def test_redirect_loops_stop() -> None:
    routes = {f"/{i}": redirect(f"/{i + 1}") for i in range(10)}
    with loopback_server(routes) as base:
        async with GuardedClient(OutboundPolicy.parse("127.0.0.1"), max_redirects=3) as client:
            with pytest.raises(TooManyRedirects):
                await client.get(base + "/0")


async def test_bodies_are_cut_at_the_limit_declared_or_not() -> None:
    big = b"x" * 300_000
    routes = {"/declared": lambda: (200, {}, big), "/chunked": lambda: chunked(3 * 1024 * 1024),
              "/small": lambda: (200, {}, b"x" * 1000)}
    with loopback_server(routes) as base:
        async with GuardedClient(OutboundPolicy.parse("127.0.0.1"), max_bytes=100_000) as client:
            for path in ("/declared", "/chunked"):
                with pytest.raises(TooLarge):
                    await client.get(base + path)
            assert len((await client.get(base + "/small")).content) == 1000


async def test_a_server_that_never_answers_is_given_up_on() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        async with GuardedClient(OutboundPolicy.parse("127.0.0.1"), timeout=0.5, total_seconds=1) as client:
            with pytest.raises(Timeout):
                await client.get(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        listener.close()


async def test_the_host_header_keeps_the_name_while_the_socket_goes_to_the_checked_address() -> None:
    seen: list[str] = []
    with loopback_server({"/": OK}, seen=seen) as base:
        port = base.rsplit(":", 1)[1]
        async with GuardedClient(OutboundPolicy.parse("localhost")) as client:
            answer = await client.post(f"http://localhost:{port}/", content=b"{}", headers={"X-Test": "1"})
    assert answer.status_code == 200 and seen == [f"POST / host=localhost:{port}"]


async def test_urls_it_cannot_write_are_refused_not_crashed_on() -> None:
    async with GuardedClient(OutboundPolicy()) as client:
        for url in ("http://①②⑦.0.0.1/rss", "file:///etc/passwd", "gopher://example.org/", "http:///nohost",
                    "http://exa mple.org/"):
            with pytest.raises(Refused):
                await client.get(url)
