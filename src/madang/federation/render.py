"""ActivityStreams 2 documents of local things: actors, Notes (Questions for polls) and the
activities that carry them (decision 0037; federation reference §2, §3).

Pure functions of ORM rows and plain values: no database, no network, no clock except where an
activity needs a fresh id and none is given. Every document carries "@context"; an object
embedded in an activity does not (Mastodon strips it too).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from madang.federation.addressing import AS_PUBLIC, addressing
from madang.models import Account, MediaAttachment, Poll, PollOption, Status, Tag

# Mastodon's context (app/helpers/context_helper.rb), with every term madang's documents use.
CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "memorial": "toot:memorial",
        "suspended": "toot:suspended",
        "Emoji": "toot:Emoji",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "votersCount": "toot:votersCount",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]

ACTOR_TYPES = ("Person", "Organization", "Service", "Application", "Group")


def iso(moment: datetime) -> str:
    """``2026-11-02T01:20:00Z``: UTC, whole seconds (a naive time is taken as UTC, as SQLite returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _doc(body: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, **body}


def _embedded(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "@context"}


def _host(base_url: str) -> str:
    return urlsplit(base_url).netloc


def account_uri(account: Account, base_url: str) -> str:
    """The actor id: the stored uri (remote accounts always have one), else the local form."""
    return account.uri or f"{base_url}/users/{account.username}"


def _image(url: str | None) -> dict[str, Any] | None:
    if not url:
        return None
    image: dict[str, Any] = {"type": "Image", "url": url}
    media_type, _ = mimetypes.guess_type(urlsplit(url).path)
    if media_type:
        image["mediaType"] = media_type
    return image


_A_TAG = re.compile(r"<a\b([^>]*)>")
_REL = re.compile(r"""\brel=(["'])(.*?)\1""")


def _with_rel_me(value_html: str) -> str:
    """Profile-field links carry rel="me", so the linked page can vouch back (verification)."""

    def fix(match: re.Match[str]) -> str:
        attributes = match.group(1)
        rel = _REL.search(attributes)
        if rel is None:
            return f'<a{attributes} rel="me nofollow noopener noreferrer">'
        tokens = rel.group(2).split()
        if "me" in tokens:
            return match.group(0)
        new = f'rel="{" ".join(["me", *tokens])}"'
        return f"<a{attributes[: rel.start()]}{new}{attributes[rel.end():]}>"

    return _A_TAG.sub(fix, value_html)


def actor_type(account: Account) -> str:
    """Service for bots (Mastodon and GoToSocial both show Service/Application as bots),
    Organization for organisation accounts (both accept it and show it as a normal account,
    not a bot and not a group: decision 0037), Person for everyone else."""
    if account.bot:
        return "Service"
    if account.organisation:
        return "Organization"
    return "Person"


def actor_document(
    account: Account,
    *,
    base_url: str,
    public_key_pem: str,
    avatar_url: str | None,
    header_url: str | None,
    fields_html: list[tuple[str, str]],
) -> dict[str, Any]:
    """The actor of a local account, as Mastodon's ActorSerializer shapes it."""
    uri = account_uri(account, base_url)
    suspended = account.suspended_at is not None
    created = account.created_at
    document: dict[str, Any] = {
        "id": uri,
        "type": actor_type(account),
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "featured": f"{uri}/collections/featured",
        "featuredTags": f"{uri}/collections/tags",
        "preferredUsername": account.username,
        "name": "" if suspended else (account.display_name or ""),
        "summary": "" if suspended else (account.note_html or ""),
        "url": account.url or f"{base_url}/@{account.username}",
        "manuallyApprovesFollowers": bool(account.locked),
        "discoverable": bool(account.discoverable) and not suspended,
        "indexable": bool(account.indexable) and not suspended,
        # Mastodon gives the join day only, at midnight UTC.
        "published": f"{created.date().isoformat()}T00:00:00Z",
        "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": public_key_pem},
        "tag": [],
        "attachment": [] if suspended else [
            {"type": "PropertyValue", "name": name, "value": _with_rel_me(value)} for name, value in fields_html
        ],
        "endpoints": {"sharedInbox": f"{base_url}/inbox"},
    }
    if suspended:
        document["suspended"] = True
    else:
        if (icon := _image(avatar_url)) is not None:
            document["icon"] = icon
        if (image := _image(header_url)) is not None:
            document["image"] = image
    return _doc(document)


def instance_actor_document(*, base_url: str, host: str, public_key_pem: str) -> dict[str, Any]:
    """The server's own actor (FEP-2677), which signs its fetches; served unsigned."""
    uri = f"{base_url}/actor"
    return _doc({
        "id": uri,
        "type": "Application",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "preferredUsername": host,
        "url": f"{base_url}/about/more?instance_actor=true",
        "manuallyApprovesFollowers": True,
        "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": public_key_pem},
        "endpoints": {"sharedInbox": f"{base_url}/inbox"},
    })


# --- Notes ---------------------------------------------------------------------------------


def _mention_name(account: Account, local_host: str) -> str:
    return f"@{account.username}@{account.domain or local_host}"


def _attachment(media: MediaAttachment, media_url: Callable[[str], str]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "Document",
        "mediaType": media.content_type,
        "url": media_url(media.file_key),
        "name": media.description or None,
    }
    if media.blurhash:
        document["blurhash"] = media.blurhash
    document["focalPoint"] = [float(media.focus_x or 0.0), float(media.focus_y or 0.0)]
    document["width"] = media.width
    document["height"] = media.height
    return document


def _closed(poll: Poll, now: datetime) -> bool:
    expires = poll.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    return expires <= now


def note(
    status: Status,
    *,
    base_url: str,
    author: Account,
    mentions: list[Account],
    tags: list[Tag],
    media: list[MediaAttachment],
    media_url: Callable[[str], str],
    poll: tuple[Poll, list[PollOption]] | None,
    in_reply_to_uri: str | None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The Note (a Question when the status has a poll) of a local status."""
    author_uri = account_uri(author, base_url)
    uri = status.uri or f"{author_uri}/statuses/{status.id}"
    local_host = _host(base_url)
    mention_uris = [account_uri(m, base_url) for m in mentions]
    to, cc = addressing(status.visibility, followers_uri=f"{author_uri}/followers", mention_uris=mention_uris)
    document: dict[str, Any] = {
        "id": uri,
        "type": "Note",
        "summary": status.spoiler_text or None,
        "inReplyTo": in_reply_to_uri,
        "published": iso(status.created_at),
        "url": status.url or f"{base_url}/@{author.username}/{status.id}",
        "attributedTo": author_uri,
        "to": to,
        "cc": cc,
        "sensitive": bool(status.sensitive),
        "content": status.content,
    }
    if status.language:
        document["contentMap"] = {status.language: status.content}
    if status.edited_at is not None:
        document["updated"] = iso(status.edited_at)
    ordered = sorted(media, key=lambda m: (m.position is None, m.position or 0, m.id))
    document["attachment"] = [_attachment(m, media_url) for m in ordered]
    tag_list: list[dict[str, Any]] = [
        {"type": "Mention", "href": account_uri(m, base_url), "name": _mention_name(m, local_host)} for m in mentions
    ]
    tag_list += [
        {"type": "Hashtag", "href": f"{base_url}/tags/{quote(t.name)}", "name": f"#{t.name}"} for t in tags
    ]
    document["tag"] = tag_list
    document["replies"] = {
        "id": f"{uri}/replies",
        "type": "Collection",
        "first": {
            "type": "CollectionPage",
            "next": f"{uri}/replies?only_other_accounts=true&page=true",
            "partOf": f"{uri}/replies",
            "items": [],
        },
    }
    if poll is not None:
        row, options = poll
        document["type"] = "Question"
        choices = [
            {"type": "Note", "name": o.title, "replies": {"type": "Collection", "totalItems": o.votes_count}}
            for o in sorted(options, key=lambda o: o.position)
        ]
        document["anyOf" if row.multiple else "oneOf"] = choices
        document["endTime"] = iso(row.expires_at)
        document["votersCount"] = row.voters_count
        if _closed(row, now or datetime.now(timezone.utc)):
            document["closed"] = iso(row.expires_at)
    return _doc(document)


# --- Activities ----------------------------------------------------------------------------


def create(note: dict[str, Any], actor_uri: str) -> dict[str, Any]:
    return _doc({
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor_uri,
        "published": note.get("published"),
        "to": list(note.get("to", [])),
        "cc": list(note.get("cc", [])),
        "object": _embedded(note),
    })


def _moment(moment_iso: str) -> datetime:
    """An ISO 8601 time as given by a caller (``Z`` or an offset; naive is UTC, as SQLite's)."""
    moment = datetime.fromisoformat(moment_iso.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _epoch(moment_iso: str) -> int:
    return int(_moment(moment_iso).timestamp())


def update(note: dict[str, Any], actor_uri: str, *, updated_iso: str) -> dict[str, Any]:
    """An edit: the whole new Note (carrying `updated`), as Mastodon ≥ 3.5 expects.
    ``updated_iso`` may carry microseconds or no zone; it is written as ``…Z`` seconds."""
    updated_iso = iso(_moment(updated_iso))
    return _doc({
        "id": f"{note['id']}#updates/{_epoch(updated_iso)}",
        "type": "Update",
        "actor": actor_uri,
        "published": updated_iso,
        "to": list(note.get("to", [])),
        "cc": list(note.get("cc", [])),
        "object": {**_embedded(note), "updated": updated_iso},
    })


def delete(object_uri: str, actor_uri: str, *, to: list[str], cc: list[str]) -> dict[str, Any]:
    return _doc({
        "id": f"{object_uri}#delete",
        "type": "Delete",
        "actor": actor_uri,
        "to": list(to),
        "cc": list(cc),
        "object": {"id": object_uri, "type": "Tombstone"},
    })


def follow(activity_id: str, actor_uri: str, object_uri: str) -> dict[str, Any]:
    return _doc({"id": activity_id, "type": "Follow", "actor": actor_uri, "object": object_uri})


def accept(follow_activity: dict[str, Any], actor_uri: str, *, activity_id: str) -> dict[str, Any]:
    """Accepts carry the Follow embedded with its original id (Mastodon matches on it)."""
    return _doc({"id": activity_id, "type": "Accept", "actor": actor_uri, "object": _embedded(follow_activity)})


def reject(follow_activity: dict[str, Any], actor_uri: str, *, activity_id: str) -> dict[str, Any]:
    return _doc({"id": activity_id, "type": "Reject", "actor": actor_uri, "object": _embedded(follow_activity)})


def undo(activity: dict[str, Any], actor_uri: str, *, activity_id: str) -> dict[str, Any]:
    """The original activity embedded (type, id, actor, object): Mastodon dispatches on it."""
    document: dict[str, Any] = {"id": activity_id, "type": "Undo", "actor": actor_uri}
    for key in ("to", "cc"):
        if activity.get(key):
            document[key] = list(activity[key])
    document["object"] = _embedded(activity)
    return _doc(document)


def like(activity_id: str, actor_uri: str, object_uri: str) -> dict[str, Any]:
    return _doc({"id": activity_id, "type": "Like", "actor": actor_uri, "object": object_uri})


def announce(
    activity_id: str, actor_uri: str, object_uri: str, *, to: list[str], cc: list[str], published_iso: str
) -> dict[str, Any]:
    return _doc({
        "id": activity_id,
        "type": "Announce",
        "actor": actor_uri,
        "published": published_iso,
        "to": list(to),
        "cc": list(cc),
        "object": object_uri,
    })


def block(activity_id: str, actor_uri: str, object_uri: str) -> dict[str, Any]:
    return _doc({"id": activity_id, "type": "Block", "actor": actor_uri, "object": object_uri, "to": [object_uri]})


def update_actor(actor_doc: dict[str, Any], *, updated_iso: str | None = None) -> dict[str, Any]:
    """A profile change: the whole actor, to everyone (Public)."""
    moment = iso(_moment(updated_iso)) if updated_iso else iso(datetime.now(timezone.utc))
    return _doc({
        "id": f"{actor_doc['id']}#updates/{_epoch(moment)}",
        "type": "Update",
        "actor": actor_doc["id"],
        "to": [AS_PUBLIC],
        "object": _embedded(actor_doc),
    })


def delete_actor(actor_uri: str) -> dict[str, Any]:
    """Account deletion: the object is the actor's own id (its key is gone after)."""
    return _doc({"id": f"{actor_uri}#delete", "type": "Delete", "actor": actor_uri, "to": [AS_PUBLIC],
                 "object": actor_uri})


def add(object_uri: str, target: str, actor_uri: str, *, activity_id: str | None = None) -> dict[str, Any]:
    """A pin: the status into the actor's featured collection (``target``)."""
    return _doc({"id": activity_id or f"{object_uri}#pin", "type": "Add", "actor": actor_uri,
                 "object": object_uri, "target": target})


def remove(object_uri: str, target: str, actor_uri: str, *, activity_id: str | None = None) -> dict[str, Any]:
    return _doc({"id": activity_id or f"{object_uri}#unpin", "type": "Remove", "actor": actor_uri,
                 "object": object_uri, "target": target})


def flag(activity_id: str, instance_actor_uri: str, object_uris: list[str], content: str) -> dict[str, Any]:
    """A report forwarded to another server, from the instance actor (shields the reporter):
    ``object_uris`` = the reported actor first, then the reported statuses."""
    return _doc({"id": activity_id, "type": "Flag", "actor": instance_actor_uri, "content": content,
                 "object": list(object_uris)})


def vote(
    activity_id: str, voter_uri: str, *, question_uri: str, poll_author_uri: str, choice: str, published_iso: str
) -> dict[str, Any]:
    """One poll vote: a Create of a Note named exactly as the chosen option, in reply to the
    Question, addressed to the poll's author only (one per option chosen). The Note's id is
    ``activity_id`` and the Create's ``{activity_id}/activity``."""
    vote_note = {
        "id": activity_id,
        "type": "Note",
        "name": choice,
        "attributedTo": voter_uri,
        "inReplyTo": question_uri,
        "to": [poll_author_uri],
        "published": published_iso,
    }
    return _doc({
        "id": f"{activity_id}/activity",
        "type": "Create",
        "actor": voter_uri,
        "published": published_iso,
        "to": [poll_author_uri],
        "object": vote_note,
    })
