"""Records: the log of who exported what."""

from __future__ import annotations
