"""Which addresses the server may connect to: globally routable ones, and what the operator allows.

A user chooses the URLs the server fetches (a blog feed, a Web Push endpoint, later a remote
actor), so without this rule they could make it read its own admin ports, its neighbours on the
private network, or a cloud's metadata service (169.254.169.254, or an address in the
carrier-grade NAT range 100.64.0.0/10 where some clouds put theirs)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Prefixes that carry an IPv4 address inside an IPv6 one, and that Python's is_global passes:
# 6to4 (2002::/16) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48) would reach whatever IPv4 address
# they embed. They are refused outright: nothing a city server talks to needs them.
_TUNNELS = tuple(ipaddress.ip_network(n) for n in ("2002::/16", "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32"))


def is_public(address: IPAddress) -> bool:
    """Globally routable (IANA's special-purpose registries, as ``ipaddress`` knows them),
    with the IPv4 inside a mapped or tunnelled IPv6 address judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if any(address in net for net in _TUNNELS):
            return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class OutboundPolicy:
    """Public addresses, plus the host names and networks the operator lists
    (``MADANG_OUTBOUND_ALLOW``: for tests and local development, e.g. ``127.0.0.1/32,localhost``)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def parse(cls, text: str | None) -> OutboundPolicy:
        hosts, networks = set(), []
        for item in (text or "").replace(" ", ",").split(","):
            item = item.strip().lower()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def permits(self, host: str, address: IPAddress) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        if any(address in net for net in self.networks):
            return True
        return is_public(address)
