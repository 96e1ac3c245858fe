"""The web surface: server-rendered Korean pages (for now, the OAuth consent page)."""
