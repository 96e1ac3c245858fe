"""Visibility ⇄ ActivityPub addressing (`to`/`cc`), as Mastodon's tag manager does it
(federation reference §3.2; decision 0037). Pure functions: no database, no network."""

from __future__ import annotations

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# Three spellings of the public collection are in use (compacted JSON-LD and plain JSON).
PUBLIC_FORMS = frozenset({AS_PUBLIC, "as:Public", "Public"})


def is_public(uri: str) -> bool:
    return uri in PUBLIC_FORMS


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i in seen or seen.add(i))]


def addressing(visibility: str, *, followers_uri: str, mention_uris: list[str]) -> tuple[list[str], list[str]]:
    """(to, cc) of a post of ``visibility`` by the account whose followers collection is
    ``followers_uri``, mentioning the actors ``mention_uris``.

    | visibility | to | cc |
    | public | Public | followers, mentions |
    | unlisted | followers | Public, mentions |
    | private | followers | mentions |
    | direct | mentions | — |
    """
    mentions = _unique([m for m in mention_uris if m])
    if visibility == "public":
        return [AS_PUBLIC], _unique([followers_uri, *mentions])
    if visibility == "unlisted":
        return [followers_uri], _unique([AS_PUBLIC, *mentions])
    if visibility == "private":
        return [followers_uri], [m for m in mentions if m != followers_uri]
    if visibility == "direct":
        return mentions, []
    raise ValueError(f"unknown visibility {visibility!r}")


def visibility_from(
    to: list[str], cc: list[str], *, followers_uri: str | None, mentioned_uris: set[str]
) -> str:
    """The visibility of a received object from its addressing, as Mastodon reads it:
    Public in `to` → public; in `cc` → unlisted; the author's followers without Public →
    private; only mentioned actors → direct. Actors addressed but not all mentioned
    (Mastodon's "limited") → private, the nearest madang has."""
    if any(is_public(u) for u in to):
        return "public"
    if any(is_public(u) for u in cc):
        return "unlisted"
    audience = [u for u in (*to, *cc) if u]
    if followers_uri and followers_uri in audience:
        return "private"
    if all(u in mentioned_uris for u in audience):
        return "direct"
    return "private"
