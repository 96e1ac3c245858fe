"""The office's live monitor: mentions, replies, watched hashtags and keywords, and handled marks."""
