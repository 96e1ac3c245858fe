"""The live monitor: watched hashtags and keywords, and staff's handled marks."""

from __future__ import annotations
