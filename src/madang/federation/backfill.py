"""A remote account's recent public posts, read from its outbox when it is first looked up
(search, a mention, a follow), so its page here is not empty: at most one page, 20 posts.
Mastodon embeds the Notes in its outbox's Creates; GoToSocial gives their ids, fetched one by one."""

from __future__ import annotations

import logging
from typing import Any

from madang.federation import fetching
from madang.federation.config import config_of
from madang.federation.parse import ParseError, as_list, first_id, parse_note, same_origin
from madang.federation.remote_posts import NOTE_TYPES, post_of, store_post
from madang.federation.resolve import NotResolved, fetch_object
from madang.jobs import handler
from madang.models import Account, RemoteTombstone, Status

log = logging.getLogger(__name__)
BACKFILL_JOB = "federation.backfill_outbox"
MAX_POSTS = 20


@handler(BACKFILL_JOB, unit=False, max_attempts=3)
async def backfill_outbox(db: Any, payload: dict) -> None:
    from sqlalchemy import select

    config = config_of(db)
    async with db.read() as session:
        account = await session.get(Account, int(payload["account_id"]))
    if account is None or account.domain is None or not account.outbox_url or account.suspended_at is not None:
        return
    if not same_origin(account.outbox_url, account.uri or ""):
        return
    try:
        outbox = await fetch_object(db, config, account.outbox_url)
        page = outbox.get("first")
        if isinstance(page, str):
            page = await fetching.get_json(db, config, page)
        items = as_list((page or outbox).get("orderedItems") or (page or outbox).get("items"))
    except (NotResolved, fetching.FetchError, AttributeError) as exc:
        log.info("outbox of %s not read: %s", account.uri, exc)
        return
    kept = 0
    for item in items[: MAX_POSTS * 2]:
        if kept >= MAX_POSTS:
            break
        note = item.get("object") if isinstance(item, dict) and item.get("type") == "Create" else None
        if isinstance(note, str) and same_origin(note, account.uri or ""):
            # GoToSocial lists its posts by id: each is fetched from its own server (bounded).
            try:
                note = await fetch_object(db, config, note)
            except (NotResolved, fetching.FetchError):
                continue
        if not isinstance(note, dict) or note.get("type") not in NOTE_TYPES:
            continue  # boosts are not followed here
        uri = first_id(note)
        if not uri or not same_origin(uri, account.uri or "") or first_id(note.get("attributedTo")) != account.uri:
            continue
        try:
            parsed = parse_note(note, author_followers_uri=account.followers_url)
        except ParseError:
            continue
        if parsed.visibility not in ("public", "unlisted"):
            continue
        async with db.read() as session:
            if await session.scalar(select(Status.id).where(Status.uri == uri)) or \
                    await session.scalar(select(RemoteTombstone.id).where(RemoteTombstone.uri == uri)):
                continue
        post = await post_of(db, config, parsed, depth=20)  # parents: only those known here
        async with db.write() as session:
            await store_post(session, config, account, post)
        kept += 1
