"""The Mastodon client API surface: parses Mastodon's dialect, calls one use case, answers in JSON."""
