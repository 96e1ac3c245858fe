"""Who receives which live event: the rules behind the streaming API."""

from madang.streaming.facts import StatusFacts
from madang.streaming.hub import Connection, Delivery, Hub, Renderer
from madang.streaming.marks import Marks
from madang.streaming.streams import Stream, check_target, may_open, parse_stream

__all__ = ["Connection", "Delivery", "Hub", "Marks", "Renderer", "StatusFacts", "Stream", "check_target", "may_open",
           "parse_stream"]
