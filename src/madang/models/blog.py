"""The city blog: feeds an organisation follows and the entries already posted."""

from __future__ import annotations
