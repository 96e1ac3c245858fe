"""Status, StatusEdit, StatusSource, Context, Tag."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import orjson

from madang.mastodon_api.serializers.accounts import account_json, emoji_json
from madang.mastodon_api.serializers.formats import sid, ts
from madang.mastodon_api.serializers.media import media_attachment_json
from madang.mastodon_api.serializers.memo import VersionedCache
from madang.mastodon_api.serializers.polls import poll_json
from madang.media.custom_emojis import EmojiRef
from madang.models import Account, MediaAttachment, StatusEdit, Tag
from madang.statuses.views import StatusView


def _b(flag: bool) -> str:
    return "true" if flag else "false"


def tag_json(tag: Tag, base_url: str) -> dict[str, Any]:
    return {"name": tag.name, "url": f"{base_url}/tags/{quote(tag.name)}"}


def mention_json(a: Account, base_url: str) -> dict[str, Any]:
    return {"id": str(a.id), "username": a.username, "url": a.url or f"{base_url}/@{a.username}", "acct": a.acct}


# What does not change unless the post is edited: rendered once per version of the post.
_STATIC: VersionedCache[dict[str, Any]] = VersionedCache(50_000)


def _static_json(v: StatusView, base_url: str) -> dict[str, Any]:
    s = v.status
    return {
        "id": str(s.id),
        "uri": s.uri,
        "url": s.url,
        "created_at": ts(s.created_at),
        "content": s.content,
        "visibility": s.visibility,
        "sensitive": s.sensitive,
        "spoiler_text": s.spoiler_text,
        "media_attachments": [media_attachment_json(m, base_url) for m in v.media],
        "application": ({"name": v.application.name, "website": v.application.website}
                        if v.application is not None else None),
        "mentions": [mention_json(a, base_url) for a in v.mentions],
        "tags": [tag_json(t, base_url) for t in v.tags],
        "emojis": [emoji_json(e, base_url) for e in v.emojis],
        "in_reply_to_id": sid(s.in_reply_to_id),
        "in_reply_to_account_id": sid(s.in_reply_to_account_id),
        "card": None,
        "language": s.language,
        "edited_at": ts(s.edited_at),
        "quote": None,
    }


def status_json(v: StatusView, base_url: str, *, with_source: bool = False,
                accounts_cache: dict[int, dict[str, Any]] | None = None,
                filtered: Mapping[int, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """``accounts_cache`` is shared across a page so each author is serialised once.
    ``filtered``: the viewer's FilterResults by status id (never cached: they are per viewer)."""
    s = v.status
    if accounts_cache is None:
        accounts_cache = {}
    author = accounts_cache.get(v.account.id)
    if author is None:
        author = accounts_cache[v.account.id] = account_json(v.account, base_url, v.account_emojis)
    reblog = (status_json(v.reblog, base_url, accounts_cache=accounts_cache, filtered=filtered)
              if v.reblog is not None else None)
    # A custom emoji cached after the post arrived changes its URL: the emoji are in the key.
    data = dict(_STATIC.get_or_make((s.id, s.edited_at, s.deleted_at, base_url, v.emojis),
                                    lambda: _static_json(v, base_url)))
    data["account"] = author
    data["reblog"] = reblog
    # Not in the cached part: a poll's counts and the viewer's votes change on their own.
    data["poll"] = poll_json(v.poll, v.emojis, base_url) if v.poll is not None else None
    data["text"] = s.text if with_source else None
    data["filtered"] = filtered.get(s.id, []) if filtered else []
    if reblog is None:
        data["reblogs_count"] = s.reblogs_count
        data["favourites_count"] = s.favourites_count
        data["replies_count"] = s.replies_count
    else:
        # A boost carries the original's counts and flags, as Mastodon's wrapper does.
        for key in ("reblogs_count", "favourites_count", "replies_count", "sensitive", "spoiler_text",
                    "language"):
            data[key] = reblog[key]
    if v.favourited is not None:
        target = v.reblog or v
        data["favourited"] = bool(target.favourited)
        data["reblogged"] = bool(target.reblogged)
        data["bookmarked"] = bool(target.bookmarked)
        data["pinned"] = bool(v.pinned)
        data["muted"] = False
    return data


# The same page as bytes. A timeline page is 20 statuses with their authors; building and
# encoding those dicts was a quarter of a request's CPU. Here the unchanging part of each
# status and each author's JSON are kept encoded, and a page is joined from them.
_STATIC_BYTES: VersionedCache[bytes] = VersionedCache(50_000)
_ACCOUNT_BYTES: VersionedCache[bytes] = VersionedCache(20_000)
_MARKS = {(f, r, b, p): (f',"favourited":{_b(f)},"reblogged":{_b(r)},"bookmarked":{_b(b)},"pinned":{_b(p)},'
                         f'"muted":false').encode()
          for f in (False, True) for r in (False, True) for b in (False, True) for p in (False, True)}


def _account_bytes(a: Any, base_url: str, emojis: tuple[EmojiRef, ...] = ()) -> bytes:
    # A SQLite fast-read row is a tuple of the stored values: itself a complete version key, and
    # cheaper than reading (and so parsing) the timestamps that make one.
    key = ((tuple(a), base_url, emojis) if getattr(a, "RAW_VALUES", False) else
           (a.id, a.updated_at, a.followers_count, a.following_count, a.statuses_count, a.last_status_at,
            a.suspended_at, base_url, emojis))
    return _ACCOUNT_BYTES.get_or_make(key, lambda: orjson.dumps(account_json(a, base_url, emojis)))


def _status_bytes(v: StatusView, base_url: str,
                  filtered: Mapping[int, list[dict[str, Any]]] | None = None) -> bytes:
    if v.reblog is not None:
        return orjson.dumps(status_json(v, base_url, filtered=filtered))
    s = v.status
    head = _STATIC_BYTES.get_or_make((s.id, s.edited_at, s.deleted_at, base_url, v.emojis),
                                     lambda: orjson.dumps(_static_json(v, base_url))[:-1])
    counts = b',"reblogs_count":%d,"favourites_count":%d,"replies_count":%d' % (
        s.reblogs_count, s.favourites_count, s.replies_count)
    marks = (_MARKS[(bool(v.favourited), bool(v.reblogged), bool(v.bookmarked), bool(v.pinned))]
             if v.favourited is not None else b"")
    poll = (b',"poll":' + orjson.dumps(poll_json(v.poll, v.emojis, base_url)) if v.poll is not None
            else b',"poll":null')
    return b"".join((head, b',"account":', _account_bytes(v.account, base_url, v.account_emojis), b',"reblog":null,"text":null',
                     _filtered_bytes(filtered, s.id), poll, counts, marks, b"}"))


def _filtered_bytes(filtered: Mapping[int, list[dict[str, Any]]] | None, status_id: int) -> bytes:
    found = filtered.get(status_id) if filtered else None
    return b',"filtered":' + orjson.dumps(found) if found else b',"filtered":[]'


def status_json_bytes(view: StatusView, base_url: str) -> bytes:
    """``orjson.dumps(status_json(view))`` from the cached encoded parts (and caching them)."""
    return _status_bytes(view, base_url)


def statuses_json_bytes(views: list[StatusView], base_url: str,
                        filtered: Mapping[int, list[dict[str, Any]]] | None = None) -> bytes:
    """``orjson.dumps([status_json(v) for v in views])``, from cached encoded parts."""
    return b"[" + b",".join([_status_bytes(v, base_url, filtered) for v in views]) + b"]"


def status_edit_json(edit: StatusEdit, account: Account, base_url: str, *,
                     media: Sequence[tuple[MediaAttachment, str | None]] = (),
                     poll_options: Sequence[str] | None = None,
                     emojis: Sequence[EmojiRef] = ()) -> dict[str, Any]:
    """A revision as Mastodon's history shows it: each attachment with the alt text it had
    then, and the poll as its options' titles (no counts: votes belong to the live poll);
    ``emojis``: the custom emoji its text, warning and options use."""
    return {
        "content": edit.content,
        "spoiler_text": edit.spoiler_text,
        "sensitive": edit.sensitive,
        "created_at": ts(edit.created_at),
        "account": account_json(account, base_url),
        "poll": {"options": [{"title": t} for t in poll_options]} if poll_options else None,
        "media_attachments": [{**media_attachment_json(m, base_url), "description": d} for m, d in media],
        "emojis": [emoji_json(e, base_url) for e in emojis],
    }
