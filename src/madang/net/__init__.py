"""Outbound HTTP: the one guarded client every server-side fetch and delivery goes through."""

from madang.net.addresses import OutboundPolicy
from madang.net.guarded import (
    Answer,
    GuardedClient,
    OutboundError,
    Refused,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)

__all__ = ["Answer", "GuardedClient", "OutboundError", "OutboundPolicy", "Refused", "Timeout", "TooLarge",
           "TooManyRedirects", "Unreachable"]
