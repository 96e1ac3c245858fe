"""Timelines: fan-out of posts to followers' home feeds, and reading home, public and tag timelines."""
