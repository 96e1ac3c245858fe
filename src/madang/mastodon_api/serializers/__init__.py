"""Mastodon entities as JSON-ready dicts, field for field as strict clients decode them."""
