"""Account, CredentialAccount, Relationship."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from madang.accounts.profiles import render_field_html
from madang.mastodon_api.serializers.formats import day, ts
from madang.mastodon_api.serializers.memo import VersionedCache
from madang.media.custom_emojis import EmojiRef
from madang.models import Account, User


def media_url(base_url: str, path: str | None, fallback: str) -> str:
    if not path:
        return f"{base_url}/{fallback}"
    return path if path.startswith(("http://", "https://")) else f"{base_url}/media/{path}"


# Timelines serialise the same few authors over and over; their JSON only changes with the
# fields in the key (a profile edit moves updated_at, posts and follows move the counts).
# Callers must not mutate what they get back.
_ACCOUNTS: VersionedCache[dict[str, Any]] = VersionedCache(20_000)


def emoji_json(e: EmojiRef, base_url: str) -> dict[str, Any]:
    """A custom emoji as Mastodon lists it; a cached image is served from here."""
    return {"shortcode": e.shortcode, "url": media_url(base_url, e.url, ""),
            "static_url": media_url(base_url, e.static_url, ""), "visible_in_picker": e.visible_in_picker}


def account_json(a: Account, base_url: str, emojis: tuple[EmojiRef, ...] = ()) -> dict[str, Any]:
    """``emojis``: the custom emoji its name, note and fields use (federation.emoji), when
    the caller loaded them (media.custom_emojis); they are part of the cache key."""
    key = (a.id, a.updated_at, a.followers_count, a.following_count, a.statuses_count, a.last_status_at,
           a.suspended_at, base_url, a.moved_to_account_id, getattr(a, "moved_to", None) is not None, emojis)
    return _ACCOUNTS.get_or_make(key, lambda: _account_json(a, base_url, emojis))


def _account_json(a: Account, base_url: str, emojis: tuple[EmojiRef, ...] = ()) -> dict[str, Any]:
    created = a.created_at.astimezone(timezone.utc)
    midnight = datetime(created.year, created.month, created.day, tzinfo=timezone.utc)
    avatar = media_url(base_url, a.avatar_path, "avatars/original/missing.png")
    header = media_url(base_url, a.header_path, "headers/original/missing.png")
    return {
        "id": str(a.id),
        "username": a.username,
        "acct": a.acct,
        "display_name": a.display_name,
        "locked": a.locked,
        "bot": a.bot,
        "discoverable": a.discoverable,
        "indexable": a.indexable,
        "group": False,
        "created_at": ts(midnight),
        "note": a.note_html,
        "url": a.url or f"{base_url}/@{a.username}",
        "uri": a.uri or f"{base_url}/users/{a.username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": a.followers_count,
        "following_count": a.following_count,
        "statuses_count": a.statuses_count,
        "last_status_at": day(a.last_status_at),
        "hide_collections": False,
        "noindex": False,
        "emojis": [emoji_json(e, base_url) for e in emojis],
        "roles": [],
        # Clients insert a field's name as text and its value as HTML (Mastodon's rule).
        "fields": [
            {"name": f.get("name", ""), "value": render_field_html(f.get("value", ""), base_url=base_url),
             "verified_at": f.get("verified_at")}
            for f in (a.fields or [])
        ],
        # madang's own: official accounts of the city, shown with a badge by its web UI.
        "verified": a.verified_at is not None,
        "organisation": a.organisation,
        "suspended": a.suspended_at is not None,
        "limited": False,
        **_moved(a, base_url),
    }


def _moved(a: Account, base_url: str) -> dict[str, Any]:
    """Mastodon's ``moved``: the account this one moved to, where the query loaded it."""
    moved = getattr(a, "moved_to", None)
    return {"moved": account_json(moved, base_url)} if a.moved_to_account_id and moved is not None else {}


def credential_account_json(a: Account, user: User | None, base_url: str, follow_requests_count: int = 0) -> dict[str, Any]:
    data = dict(account_json(a, base_url))
    data["source"] = {
        "privacy": user.default_visibility if user else "public",
        "sensitive": user.default_sensitive if user else False,
        "language": user.default_language if user else "ko",
        "note": a.note,
        "fields": [{"name": f.get("name", ""), "value": f.get("value", ""), "verified_at": None}
                   for f in (a.fields or [])],
        "follow_requests_count": follow_requests_count,
        "hide_collections": False,
        "discoverable": a.discoverable,
        "indexable": a.indexable,
        "attribution_domains": [],
    }
    data["role"] = {
        "id": "-99" if not (user and user.admin) else "3",
        "name": "" if not (user and user.admin) else "Owner",
        "color": "",
        "permissions": "0" if not (user and user.admin) else "1",
        "highlighted": False,
    }
    return data


def relationship_json(r: Any) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "following": r.following,
        "showing_reblogs": r.showing_reblogs,
        "notifying": r.notifying,
        "languages": r.languages,
        "followed_by": r.followed_by,
        "blocking": r.blocking,
        "blocked_by": r.blocked_by,
        "muting": r.muting,
        "muting_notifications": r.muting_notifications,
        "requested": r.requested,
        "requested_by": r.requested_by,
        "domain_blocking": r.domain_blocking,
        "endorsed": r.endorsed,
        "note": r.note,
    }
