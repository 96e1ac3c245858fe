"""The web surface: server-rendered Korean pages (so far the OAuth consent page) and static images."""
