"""Reading ActivityStreams 2 documents that other servers send: actors and posts, into plain
frozen dataclasses (decision 0037; federation reference §2, §3, §9, §12).

The input is decoded JSON, treated as plain JSON (no JSON-LD processing, no fetching of
`@context`). Anything unusable raises `ParseError` with a reason a log can show; anything
merely odd is tolerated as the servers that send it are (single objects where lists are
expected, `Link` objects where URLs are, missing optional fields). Remote HTML is sanitised
here, so nothing downstream ever sees it raw. No database, no network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from madang.federation.addressing import PUBLIC_FORMS, visibility_from
from madang.text.remote_html import clean_html_to_text, html_to_text, sanitise_remote_html

ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})
BOT_TYPES = frozenset({"Service", "Application"})
NOTE_TYPES = frozenset({"Note", "Question"})
# Mastodon turns these into statuses from their name, content and url.
CONVERTED_TYPES = frozenset({"Article", "Page", "Image", "Video", "Audio", "Event"})

MAX_CONTENT = 100_000  # characters of raw HTML
MAX_ATTACHMENTS = 16
MAX_TAGS = 50
MAX_POLL_OPTIONS = 20
MAX_FIELDS = 16
MAX_DISPLAY_NAME = 100  # accounts.display_name
MAX_USERNAME = 30  # accounts.username
MAX_DESCRIPTION = 1500  # alt text, as Mastodon caps it
MAX_SUMMARY = 1000

# Usernames as Mastodon accepts remote ones: letters, digits, _ (dots and dashes inside).
_USERNAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_BLURHASH = re.compile(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,100}")
# Bidirectional overrides/isolates/marks and zero-width characters: used to disguise names.
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0x2061,
     0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x061C, 0x00AD]
)


class ParseError(ValueError):
    """A remote document madang cannot use; the message says why."""


# --- Small helpers -------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list: absent → [], a single value → [value]."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def first_id(value: Any) -> str | None:
    """The id a value names: an id string, an object with "id", or the first of a list of
    those (one level: a list inside a list names nothing, however deep it goes)."""
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, list) and (found := first_id(item)) is not None:
                return found
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        found = value.get("id")
        return found if isinstance(found, str) and found else None
    return None


def _ids(value: Any) -> list[str]:
    return [i for i in (first_id(v) for v in as_list(value)) if i is not None]


def _idna(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise ParseError("no host")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ParseError(f"host {host!r} is not a valid domain name") from error


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(uri: str) -> tuple[str, str, int | None]:
    if not isinstance(uri, str):
        raise ParseError("not a URI")
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError as error:
        raise ParseError(f"{uri!r} is not a valid URI") from error
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ParseError(f"{uri[:200]!r} is not an http(s) URI")
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return scheme, _idna(parts.hostname), port


def host_of(uri: str) -> str:
    """The lower-case IDNA (punycode) host of ``uri``, with ``:port`` when not the default."""
    _, host, port = _origin(uri)
    return host if port is None else f"{host}:{port}"


def same_origin(a: str, b: str) -> bool:
    """Whether two URIs share scheme, host (case-insensitive, IDNA-normalised) and port."""
    try:
        return _origin(a) == _origin(b)
    except ParseError:
        return False


def _http_uri(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            _origin(value)
        except ParseError:
            return None
        return value.strip()
    return None


def _required_uri(document: dict[str, Any], key: str) -> str:
    uri = _http_uri(first_id(document.get(key)))
    if uri is None:
        raise ParseError(f"{key} is missing or not an http(s) URI")
    return uri


def _link(value: Any, *, prefer: str | None = None, _depth: int = 0) -> str | None:
    """A URL from a `url`/`href`-like value: a string, a Link object, or a list of them
    (the first whose mediaType starts with ``prefer``, else the first). An Image's `url` may
    itself be a Link: one level of that is followed, no more."""
    candidates: list[tuple[str, str]] = []
    for item in as_list(value):
        if isinstance(item, str):
            candidates.append((item, ""))
        elif isinstance(item, dict):
            href = item.get("href") if item.get("href") is not None else item.get("url")
            if isinstance(href, (dict, list)):
                href = _link(href, prefer=prefer, _depth=_depth + 1) if _depth < 1 else None
            if isinstance(href, str):
                media_type = item.get("mediaType")
                candidates.append((href, media_type if isinstance(media_type, str) else ""))
    usable = [(u, t) for u, t in candidates if _http_uri(u)]
    if prefer:
        for url, media_type in usable:
            if media_type.startswith(prefer):
                return url
    return usable[0][0] if usable else None


def _text(value: Any, limit: int) -> str:
    """A plain-text field (names, alt text): NFC, no control characters, capped."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(c for c in value if c in "\n\t" or unicodedata.category(c)[0] != "C" or c == "\u200d")
    return value.strip()[:limit]


def clean_display_name(value: Any) -> str:
    """A display name without bidi overrides, zero-width characters or control characters;
    a zero-width joiner is kept only inside an emoji sequence."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    kept: list[str] = []
    for i, c in enumerate(value):
        if c == "\u200d":
            before = value[i - 1] if i else ""
            after = value[i + 1] if i + 1 < len(value) else ""
            if before and after and _emojiish(before) and _emojiish(after):
                kept.append(c)
            continue
        kept.append(" " if unicodedata.category(c)[0] == "C" else c)
    return " ".join("".join(kept).split())[:MAX_DISPLAY_NAME]


def _emojiish(c: str) -> bool:
    return unicodedata.category(c) in ("So", "Sk") or 0xFE00 <= ord(c) <= 0xFE0F or 0x1F3FB <= ord(c) <= 0x1F3FF


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _bool(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _types(document: dict[str, Any]) -> list[str]:
    return [t for t in as_list(document.get("type")) if isinstance(t, str)]


# --- Actors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteActor:
    """A remote account as its document describes it. ``note_html`` and field values are
    sanitised HTML; ``display_name`` is plain text without disguising characters; collections
    and endpoints are None unless on the actor's own origin; ``emojis`` are (shortcode, url)."""

    uri: str
    username: str
    domain: str
    actor_type: str
    display_name: str
    note_html: str
    url: str | None
    inbox: str
    shared_inbox: str | None
    outbox: str | None
    followers: str | None
    featured: str | None
    public_key_id: str | None
    public_key_pem: str | None
    locked: bool
    bot: bool
    discoverable: bool
    indexable: bool
    avatar_url: str | None
    header_url: str | None
    fields: list[tuple[str, str]]
    published: datetime | None
    suspended: bool
    also_known_as: list[str]
    following: str | None = None
    featured_tags: str | None = None
    moved_to: str | None = None
    memorial: bool = False
    emojis: list[tuple[str, str]] = field(default_factory=list)


def _same_host_uri(value: Any, actor_uri: str) -> str | None:
    """A collection or endpoint of the actor: kept only on the actor's own origin."""
    uri = _http_uri(first_id(value))
    return uri if uri is not None and same_origin(uri, actor_uri) else None


def _public_key(document: dict[str, Any], actor_uri: str) -> tuple[str | None, str | None]:
    keys = [k for k in as_list(document.get("publicKey")) if isinstance(k, dict)]
    if not keys:
        return None, None
    reasons = []
    for key in keys:
        key_id, owner, pem = key.get("id"), first_id(key.get("owner")), key.get("publicKeyPem")
        if not isinstance(key_id, str) or not isinstance(pem, str) or "-----BEGIN" not in pem:
            reasons.append("a key without id or PEM")
        elif owner != actor_uri:
            reasons.append(f"key {key_id[:200]} is owned by {str(owner)[:200]}, not the actor")
        elif not same_origin(key_id, actor_uri):
            reasons.append(f"key {key_id[:200]} is on another host than the actor")
        else:
            return key_id, pem.strip() + "\n"
    raise ParseError("no usable public key: " + "; ".join(reasons))


def _emojis(tags: list[Any]) -> list[tuple[str, str]]:
    emojis: list[tuple[str, str]] = []
    for tag in tags[:MAX_TAGS]:
        if isinstance(tag, dict) and "Emoji" in _types(tag):
            name = tag.get("name")
            url = _link(tag.get("icon"), prefer="image/")
            if isinstance(name, str) and url:
                shortcode = name.strip().strip(":")
                if re.fullmatch(r"[A-Za-z0-9_]{2,100}", shortcode):  # Mastodon's SHORTCODE_RE
                    emojis.append((shortcode, url))
    return emojis


def parse_actor(doc: Any) -> RemoteActor:
    """A remote actor from its document; raises ParseError when it cannot be an account."""
    if not isinstance(doc, dict):
        raise ParseError("the actor is not a JSON object")
    types = [t for t in _types(doc) if t in ACTOR_TYPES]
    if not types:
        raise ParseError(f"type {doc.get('type')!r} is not an actor type")
    uri = doc.get("id")
    if not isinstance(uri, str) or _http_uri(uri) is None:
        raise ParseError("the actor has no http(s) id")
    inbox = _required_uri(doc, "inbox")
    if not same_origin(inbox, uri):
        raise ParseError("the actor's inbox is on another host than its id")
    username = doc.get("preferredUsername")
    if not isinstance(username, str) or not username:
        raise ParseError("the actor has no preferredUsername")
    username = unicodedata.normalize("NFC", username.strip())
    if len(username) > MAX_USERNAME or not _USERNAME.fullmatch(username):
        raise ParseError(f"username {username[:50]!r} is not acceptable")
    key_id, key_pem = _public_key(doc, uri)
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    fields: list[tuple[str, str]] = []
    for item in as_list(doc.get("attachment")):
        if isinstance(item, dict) and "PropertyValue" in _types(item) and len(fields) < MAX_FIELDS:
            name = _text(item.get("name"), 255)
            value = item.get("value")
            if name and isinstance(value, str):
                fields.append((name, sanitise_remote_html(value[:MAX_CONTENT])))
    suspended = _bool(doc.get("suspended"))
    summary = doc.get("summary")
    return RemoteActor(
        uri=uri,
        username=username,
        domain=host_of(uri),
        actor_type=types[0],
        display_name=clean_display_name(doc.get("name")),
        note_html=sanitise_remote_html(summary[:MAX_CONTENT]) if isinstance(summary, str) else "",
        url=_link(doc.get("url"), prefer="text/html"),
        inbox=inbox,
        shared_inbox=_same_host_uri(endpoints.get("sharedInbox"), uri),
        outbox=_same_host_uri(doc.get("outbox"), uri),
        followers=_same_host_uri(doc.get("followers"), uri),
        featured=_same_host_uri(doc.get("featured"), uri),
        public_key_id=key_id,
        public_key_pem=key_pem,
        locked=_bool(doc.get("manuallyApprovesFollowers")),
        bot=types[0] in BOT_TYPES,
        discoverable=_bool(doc.get("discoverable")),
        # FEP-5feb: an actor that does not say it is indexable is not.
        indexable=_bool(doc.get("indexable")),
        avatar_url=None if suspended else _link(doc.get("icon"), prefer="image/"),
        header_url=None if suspended else _link(doc.get("image"), prefer="image/"),
        fields=[] if suspended else fields,
        published=_time(doc.get("published")),
        suspended=suspended,
        also_known_as=[u for u in _ids(doc.get("alsoKnownAs")) if _http_uri(u)][:20],
        following=_same_host_uri(doc.get("following"), uri),
        featured_tags=_same_host_uri(doc.get("featuredTags"), uri),
        moved_to=_http_uri(first_id(doc.get("movedTo"))),
        memorial=_bool(doc.get("memorial")),
        emojis=_emojis(as_list(doc.get("tag"))),
    )


# --- Posts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteAttachment:
    url: str
    media_type: str | None
    description: str | None
    blurhash: str | None
    focus: tuple[float, float] | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class RemotePollOption:
    name: str
    votes: int


@dataclass(frozen=True)
class RemotePoll:
    options: list[RemotePollOption]
    multiple: bool
    end_time: datetime | None
    closed: bool
    voters_count: int | None


@dataclass(frozen=True)
class RemoteNote:
    """A remote post. ``content_html`` is sanitised, ``text`` its plain text (search),
    ``summary`` the content warning as plain text; ``mentions`` are (href, name) with href ""
    when only a name was given (GoToSocial then resolves the name); ``hashtags`` are NFC names
    without `#`, as written; ``object_type`` is the AS2 type it came as (Note, Question, Page…)."""

    uri: str
    url: str | None
    attributed_to: str
    content_html: str
    text: str
    summary: str | None
    sensitive: bool
    language: str | None
    published: datetime | None
    updated: datetime | None
    in_reply_to: str | None
    visibility: str
    to: list[str]
    cc: list[str]
    mentions: list[tuple[str, str]]
    hashtags: list[str]
    attachments: list[RemoteAttachment]
    poll: RemotePoll | None
    emojis: list[tuple[str, str]]
    quote_uri: str | None
    object_type: str = "Note"


def _author(value: Any) -> str | None:
    """attributedTo: an id, an actor object, or a list (PeerTube names the channel too):
    the first actor that is a person-like account."""
    items = as_list(value)
    for item in items:
        if isinstance(item, dict) and set(_types(item)) & {"Person", "Service", "Application", "Organization"}:
            return _http_uri(first_id(item))
    for item in items:
        if (uri := _http_uri(first_id(item))) is not None:
            return uri
    return None


def _language(obj: dict[str, Any], content: str | None) -> str | None:
    candidates: list[str] = []
    content_map = obj.get("contentMap")
    if isinstance(content_map, dict):
        # GoToSocial's rule: the entry whose value is `content`; else the first.
        matching = [k for k, v in content_map.items() if v == content]
        candidates += matching + list(content_map.keys())
    language = obj.get("language")  # Lemmy: {"identifier": "fr", "name": "Français"}
    if isinstance(language, dict):
        language = language.get("identifier")
    if isinstance(language, str):
        candidates.append(language)
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.lower() != "und" and _LANGUAGE.fullmatch(candidate):
            if len(candidate) <= 10:
                parts = candidate.split("-")
                return "-".join([parts[0].lower(), *parts[1:]])
    return None


def _content(obj: dict[str, Any]) -> str | None:
    content = obj.get("content")
    if isinstance(content, str) and content:
        return content
    content_map = obj.get("contentMap")
    if isinstance(content_map, dict):
        for value in content_map.values():
            if isinstance(value, str) and value:
                return value
    return None


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _attachment(item: Any) -> RemoteAttachment | None:
    if not isinstance(item, dict):
        return None
    types = set(_types(item))
    media_type = item.get("mediaType") if isinstance(item.get("mediaType"), str) else None
    if not types & {"Document", "Image", "Video", "Audio"}:
        # A bare Link is a media file only when it says so (Lemmy posts' links are not).
        if not ("Link" in types and media_type and media_type.split("/")[0] in ("image", "video", "audio")):
            return None
    url = _link(item.get("url") if item.get("url") is not None else item.get("href"), prefer=media_type or None)
    if url is None:
        return None
    if media_type is None and isinstance(item.get("url"), dict):
        inner = item["url"].get("mediaType")
        media_type = inner if isinstance(inner, str) else None
    description = _text(item.get("name"), MAX_DESCRIPTION) or _text(item.get("summary"), MAX_DESCRIPTION) or None
    blurhash = item.get("blurhash")
    focus = None
    point = item.get("focalPoint")
    if isinstance(point, list) and len(point) == 2 and all(
        isinstance(p, (int, float)) and not isinstance(p, bool) for p in point
    ):
        focus = (max(-1.0, min(1.0, float(point[0]))), max(-1.0, min(1.0, float(point[1]))))
    return RemoteAttachment(
        url=url,
        media_type=media_type[:100] if media_type else None,
        description=description,
        blurhash=blurhash if isinstance(blurhash, str) and _BLURHASH.fullmatch(blurhash) else None,
        focus=focus,
        width=_int(item.get("width")),
        height=_int(item.get("height")),
    )


def _poll(obj: dict[str, Any]) -> RemotePoll | None:
    multiple = obj.get("anyOf") is not None
    items = as_list(obj.get("anyOf") if multiple else obj.get("oneOf"))
    options: list[RemotePollOption] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        name = _text(item.get("name"), 200)
        if not name:
            continue
        replies = item.get("replies")
        votes = _int(replies.get("totalItems")) if isinstance(replies, dict) else None
        if votes is None:
            votes = _int(item.get("_misskey_votes"))
        options.append(RemotePollOption(name=name, votes=votes or 0))
    # A poll with more options than any client offers (or none) is left out; the post stays.
    if not options or len(options) > MAX_POLL_OPTIONS:
        return None
    closed_value = obj.get("closed")
    end_time = _time(obj.get("endTime")) or _time(closed_value)
    return RemotePoll(
        options=options,
        multiple=multiple,
        end_time=end_time,
        closed=closed_value is not None and closed_value is not False,
        voters_count=_int(obj.get("votersCount")),
    )


_QUOTE_KEYS = ("quote", "quoteUri", "quoteUrl", "_misskey_quote")
_AS_MEDIA_TYPES = ("application/activity+json", "application/ld+json")


def _quote(obj: dict[str, Any], tags: list[Any]) -> str | None:
    for key in _QUOTE_KEYS:
        if (uri := _http_uri(first_id(obj.get(key)))) is not None:
            return uri
    for tag in tags:  # FEP-e232 object links
        if isinstance(tag, dict) and "Link" in _types(tag):
            media_type = tag.get("mediaType")
            if isinstance(media_type, str) and media_type.startswith(_AS_MEDIA_TYPES):
                if (uri := _http_uri(tag.get("href"))) is not None:
                    return uri
    return None


def _hashtag(name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    name = unicodedata.normalize("NFC", name.strip()).lstrip("#＃")
    if not name or len(name) > 200 or any(c.isspace() or unicodedata.category(c)[0] == "C" for c in name):
        return None
    return name


def parse_note(obj: Any, *, author_followers_uri: str | None) -> RemoteNote:
    """A remote post from its object; ``author_followers_uri`` is the author's followers
    collection (from their actor), which decides followers-only visibility."""
    if not isinstance(obj, dict):
        raise ParseError("the object is not a JSON object")
    types = _types(obj)
    object_type = next((t for t in types if t in NOTE_TYPES | CONVERTED_TYPES), None)
    if object_type is None:
        raise ParseError(f"type {obj.get('type')!r} is not a post")
    uri = obj.get("id")
    if not isinstance(uri, str) or _http_uri(uri) is None:
        raise ParseError("the post has no http(s) id")
    author = _author(obj.get("attributedTo"))
    if author is None:
        raise ParseError("the post has no attributedTo")
    if not same_origin(uri, author):
        raise ParseError("the post's id is on another host than its author")
    content = _content(obj)
    if content is not None and len(content) > MAX_CONTENT:
        raise ParseError(f"the content is larger than {MAX_CONTENT // 1000} kB")
    url = _link(obj.get("url"), prefer="text/html")
    name = _text(obj.get("name"), 500) if isinstance(obj.get("name"), str) else ""
    if object_type in CONVERTED_TYPES:
        # As Mastodon shows articles, pages, photos and videos: the title, the text, the link.
        pieces = []
        if name:
            pieces.append(f"<p><strong>{_escape(name)}</strong></p>")
        media_type = obj.get("mediaType")
        # The body only when it is HTML (PeerTube's video descriptions are Markdown).
        if content and (not isinstance(media_type, str) or media_type.startswith("text/html")):
            pieces.append(content)
        link = url or uri
        pieces.append(f'<p><a href="{_escape(link)}">{_escape(link)}</a></p>')
        raw_html = "".join(pieces)
    else:
        raw_html = content or (f"<p>{_escape(name)}</p>" if name else "")
    content_html = sanitise_remote_html(raw_html)

    tags = as_list(obj.get("tag"))
    mentions: list[tuple[str, str]] = []
    hashtags: list[str] = []
    for tag in tags:
        if not isinstance(tag, dict):
            continue
        tag_types = _types(tag)
        if "Mention" in tag_types and len(mentions) < MAX_TAGS:
            href = _http_uri(tag.get("href"))
            tag_name = tag.get("name") if isinstance(tag.get("name"), str) else ""
            if href or tag_name:
                mentions.append((href or "", tag_name.strip()[:300]))
        elif "Hashtag" in tag_types and len(hashtags) < MAX_TAGS:
            hashtag = _hashtag(tag.get("name"))
            if hashtag and hashtag not in hashtags:
                hashtags.append(hashtag)

    attachments = []
    for item in as_list(obj.get("attachment")):
        if len(attachments) >= MAX_ATTACHMENTS:
            break
        if (attachment := _attachment(item)) is not None:
            attachments.append(attachment)

    to = _ids(obj.get("to"))
    cc = _ids(obj.get("cc"))
    visibility = visibility_from(
        to, cc, followers_uri=author_followers_uri, mentioned_uris={href for href, _ in mentions if href}
    )
    summary_value = obj.get("summary")
    summary = None
    if isinstance(summary_value, str) and summary_value.strip():
        summary = html_to_text(summary_value[:MAX_CONTENT])[:MAX_SUMMARY] or None
    return RemoteNote(
        uri=uri,
        url=url,
        attributed_to=author,
        content_html=content_html,
        text=clean_html_to_text(content_html),
        summary=summary,
        sensitive=_bool(obj.get("sensitive")),
        language=_language(obj, content),
        published=_time(obj.get("published")),
        updated=_time(obj.get("updated")),
        in_reply_to=_http_uri(first_id(obj.get("inReplyTo"))),
        visibility=visibility,
        to=to,
        cc=cc,
        mentions=mentions,
        hashtags=hashtags,
        attachments=attachments,
        poll=_poll(obj) if object_type == "Question" else None,
        emojis=_emojis(tags),
        quote_uri=_quote(obj, tags),
        object_type=object_type,
    )


__all__ = [
    "ACTOR_TYPES", "CONVERTED_TYPES", "NOTE_TYPES", "PUBLIC_FORMS", "ParseError", "RemoteActor", "RemoteAttachment",
    "RemoteNote", "RemotePoll", "RemotePollOption", "as_list", "clean_display_name", "first_id", "host_of",
    "parse_actor", "parse_note", "same_origin",
]
