"""Filters (v2): keywords and statuses a reader hides or is warned about, by context."""
