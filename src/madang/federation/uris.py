"""Local ActivityPub ids, as Mastodon shapes them: /users/NAME, /users/NAME/statuses/ID."""

from __future__ import annotations

import re

_ACCOUNT = re.compile(r"/users/(?P<username>[A-Za-z0-9_]+)")
_STATUS = re.compile(r"/users/(?P<username>[A-Za-z0-9_]+)/statuses/(?P<id>\d{1,20})")
_PROFILE = re.compile(r"/@(?P<username>[A-Za-z0-9_]+)")
_PROFILE_STATUS = re.compile(r"/@(?P<username>[A-Za-z0-9_]+)/(?P<id>\d{1,20})")


def account_uri(base_url: str, username: str) -> str:
    return f"{base_url}/users/{username}"


def key_id(actor_uri: str) -> str:
    return f"{actor_uri}#main-key"


def local_username(base_url: str, uri: str) -> str | None:
    """The username a local actor id or profile URL names, else None."""
    if not uri.startswith(base_url + "/"):
        return None
    path = uri[len(base_url):].split("#", 1)[0].rstrip("/")
    match = _ACCOUNT.fullmatch(path) or _PROFILE.fullmatch(path)
    return match["username"] if match else None


def local_status_id(base_url: str, uri: str) -> int | None:
    """The id of the local status an ActivityPub id or web URL names, else None."""
    if not uri.startswith(base_url + "/"):
        return None
    path = uri[len(base_url):].split("#", 1)[0].rstrip("/").removesuffix("/activity")
    match = _STATUS.fullmatch(path) or _PROFILE_STATUS.fullmatch(path)
    return int(match["id"]) if match else None
