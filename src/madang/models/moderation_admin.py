"""Moderation actions and their audit log, e-mail domain blocks and the instance's settings."""

from __future__ import annotations
