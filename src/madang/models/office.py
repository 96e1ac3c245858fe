"""Publishing as an organisation: who wrote which post, drafts, approvals and the calendar."""

from __future__ import annotations
