"""Statuses: posting, editing, deleting, replies and threads, reblogs, favourites, bookmarks, pins."""
