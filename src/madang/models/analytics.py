"""Analytics kept as daily counts per account and per post, and account health alerts."""

from __future__ import annotations
