"""The Mastodon client API's routes, one module per resource."""
