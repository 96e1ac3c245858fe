"""Conversations: direct-message threads as each participant sees them."""
