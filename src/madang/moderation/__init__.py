"""Moderation: reports filed by users, kept for the moderation queue."""
