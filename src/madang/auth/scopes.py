"""Mastodon's OAuth scopes: top-level ones imply their ``read:x``/``write:x`` children."""

from __future__ import annotations

from madang.core.errors import Invalid

TOP_LEVEL = ("read", "write", "follow", "push", "profile", "admin:read", "admin:write")
GRANULAR = {
    "read": ("accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
             "mutes", "notifications", "search", "statuses"),
    "write": ("accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
              "lists", "media", "mutes", "notifications", "reports", "statuses"),
}
# Granular admin scopes madang knows (Mastodon's admin:read:x); admin:read / admin:write cover them.
ADMIN_GRANULAR = ("domain_allows", "domain_blocks")
# The legacy `follow` scope covers these (Mastodon keeps it for old apps).
FOLLOW_IMPLIES = ("read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes")
ALL = frozenset(
    list(TOP_LEVEL) + [f"{top}:{sub}" for top, subs in GRANULAR.items() for sub in subs]
    + [f"admin:{kind}:{sub}" for kind in ("read", "write") for sub in ADMIN_GRANULAR]
)


def parse_scopes(value: str | None, *, default: str = "read") -> list[str]:
    """Space- (or '+'-) separated scope string to a de-duplicated list; unknown scopes are refused."""
    raw = (value or "").replace("+", " ").split()
    scopes = list(dict.fromkeys(raw)) or default.split()
    unknown = [s for s in scopes if s not in ALL]
    if unknown:
        raise Invalid(f"Unknown scope: {' '.join(unknown)}", field="scope")
    return scopes


def is_subset(requested: list[str], allowed: list[str]) -> bool:
    return all(covers(allowed, scope) for scope in requested)


def covers(granted: list[str] | str, needed: str) -> bool:
    """Does a token holding ``granted`` satisfy ``needed`` (e.g. 'write:statuses')?"""
    held = granted.split() if isinstance(granted, str) else granted
    if needed in held:
        return True
    top = needed.rsplit(":", 1)[0]  # write:statuses -> write, admin:read:domain_allows -> admin:read
    if ":" in needed and top in held:
        return True
    return "follow" in held and needed in FOLLOW_IMPLIES
