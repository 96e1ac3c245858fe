"""Finding remote actors and objects: WebFinger, then a signed GET as the instance actor, then a
short write unit to store what was found. Network first, never inside a database unit."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

from madang.federation import fetching
from madang.federation.config import FederationConfig, config_of
from madang.federation.emoji import store_account_emojis
from madang.federation.parse import ParseError, RemoteActor, host_of, parse_actor, same_origin
from madang.federation.remote_accounts import find_account_by_key_id, find_account_by_uri, upsert_remote_account
from madang.models import Account

_ACCT = re.compile(r"@?(?P<user>[^@\s/]{1,100})@(?P<host>[A-Za-z0-9.\-:\[\]]{1,255})")
AS2_TYPES = ("application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')


class NotResolved(Exception):
    """Nothing usable was found; ``str()`` says why (for logs)."""


def parse_acct(text: str) -> tuple[str, str] | None:
    match = _ACCT.fullmatch(text.strip().removeprefix("acct:"))
    if match is None:
        return None
    try:
        host = match["host"].encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return match["user"], host


async def webfinger(db: Any, config: FederationConfig, username: str, host: str) -> str:
    """The actor id WebFinger names for ``username@host`` (its rel=self AS2 link)."""
    url = f"https://{host}/.well-known/webfinger?resource={quote(f'acct:{username}@{host}', safe='@:')}"
    document = await fetching.get_json(db, config, url, accept="application/jrd+json, application/json")
    if not isinstance(document, dict) or "subject" not in document:
        raise NotResolved(f"{host}: WebFinger answer without a subject")
    for link in document.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "self" and link.get("type") in AS2_TYPES \
                and isinstance(link.get("href"), str):
            return link["href"]
    raise NotResolved(f"{username}@{host}: no ActivityPub actor in WebFinger")


async def fetch_object(db: Any, config: FederationConfig, uri: str) -> dict:
    """A remote object by id, signed as the instance actor; its id must be the one asked for
    (one hop to the document's own id is allowed, then they must match)."""
    document = await fetching.get_json(db, config, uri)
    own = document.get("id") if isinstance(document, dict) else None
    if not isinstance(own, str):
        raise NotResolved(f"{uri}: no id in the document")
    if own != uri:
        if not same_origin(own, uri):
            raise NotResolved(f"{uri}: the document names an id on another server")
        document = await fetching.get_json(db, config, own)
        if not isinstance(document, dict) or document.get("id") != own:
            raise NotResolved(f"{own}: the id changed again")
    return document


async def fetch_actor(db: Any, config: FederationConfig, uri: str) -> Account:
    """Fetch (or refresh) a remote actor and store it."""
    if config.is_local(uri):
        raise NotResolved(f"{uri} is local")
    document = await fetch_object(db, config, uri)
    try:
        actor = parse_actor(document)
    except ParseError as exc:
        raise NotResolved(f"{uri}: {exc}") from None
    return await store_actor(db, actor)


async def store_actor(db: Any, actor: RemoteActor) -> Account:
    """Store (or refresh) the actor; one met for the first time gets its recent public posts
    read from its outbox by a job (federation.backfill)."""
    async with db.write() as session:
        new = await find_account_by_uri(session, actor.uri) is None
        account = await upsert_remote_account(session, actor)
        if actor.emojis or account.emoji_shortcodes:
            await store_account_emojis(session, config_of(db), account, actor.emojis)
        if new and actor.outbox and not account.suspended_at:
            from madang.jobs import enqueue

            await enqueue(session, "federation.backfill_outbox", {"account_id": account.id})
        return account


async def account_for_uri(db: Any, config: FederationConfig, uri: str, *, refresh: bool = False) -> Account:
    """The account of a remote actor id: from the database, else fetched."""
    if not refresh:
        async with db.read() as session:
            account = await find_account_by_uri(session, uri)
        if account is not None:
            return account
    return await fetch_actor(db, config, uri)


async def account_for_key(db: Any, config: FederationConfig, key_id: str, *, refresh: bool = False) -> Account:
    """The owner of a signing key: known, else its actor fetched (the key id without the
    fragment is the actor, or a key document whose ``owner`` is the actor, as GoToSocial's)."""
    cache = db.session_info.setdefault(KEYS_CACHE, {})
    if not refresh:
        cached = cache.get(key_id)
        if cached is not None and cached[1] > time.monotonic() - KEYS_SECONDS:
            return cached[0]  # signers come back all day: their key is kept for a while
        async with db.read() as session:
            account = await find_account_by_key_id(session, key_id)
        if account is not None and account.public_key_pem:
            _remember(cache, key_id, account)
            return account
    document = await fetching.get_json(db, config, key_id.split("#", 1)[0])
    owner = None
    if isinstance(document, dict):
        key = document.get("publicKey")
        keys = key if isinstance(key, list) else [key]
        if document.get("inbox") and document.get("id") and any(
                isinstance(k, dict) and k.get("id") == key_id for k in keys):
            owner = document["id"]
        elif isinstance(document.get("owner"), str):
            owner = document["owner"]
        elif any(isinstance(k, dict) and isinstance(k.get("owner"), str) for k in keys):
            owner = next(k["owner"] for k in keys if isinstance(k, dict) and isinstance(k.get("owner"), str))
    if not owner or host_of(owner) != host_of(key_id):
        raise NotResolved(f"{key_id}: no actor on the key's own server owns it")
    account = await fetch_actor(db, config, owner)
    if account.public_key_id != key_id:
        raise NotResolved(f"{key_id}: the actor {owner} does not list this key")
    _remember(cache, key_id, account)
    return account


KEYS_CACHE = "federation.signer_keys"
KEYS_SECONDS = 300.0  # a rotated key is fetched anew when a signature fails, at once
KEYS_MAX = 10_000


def _remember(cache: dict, key_id: str, account: Account) -> None:
    if len(cache) >= KEYS_MAX:
        cache.clear()
    cache[key_id] = (account, time.monotonic())


async def resolve_account(db: Any, config: FederationConfig, text: str) -> Account | None:
    """``@user@host``, ``user@host`` or ``acct:user@host`` as an account: local, known, or
    found through WebFinger and fetched. None when it cannot be found."""
    parsed = parse_acct(text)
    if parsed is None:
        return None
    username, host = parsed
    if host == config.host.lower():
        return None  # local accounts are looked up by the caller
    async with db.read() as session:
        from madang.accounts import find_account_by_acct

        known = await find_account_by_acct(session, f"{username}@{host}")
    if known is not None and known.fetched_at is not None:
        return known
    try:
        uri = await webfinger(db, config, username, host)
        if host_of(uri) != host:
            # A split domain (handle on one host, server on another): accept what the actor's own
            # server says only if it WebFingers back to the same actor.
            account = await fetch_actor(db, config, uri)
            if await webfinger(db, config, account.username, host) != uri:
                raise NotResolved("WebFinger round trip failed")
            return account
        return await fetch_actor(db, config, uri)
    except (NotResolved, fetching.FetchError):
        return None
