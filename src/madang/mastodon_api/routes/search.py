"""Search v2: accounts, hashtags and (for signed-in callers) statuses, as Mastodon answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import search
from madang.accounts.followed_tags import followed_tag_ids
from madang.core.errors import Unauthorized
from madang.mastodon_api.auth import optional_caller
from madang.mastodon_api.params import TRUE, Params, read_params
from madang.mastodon_api.problems import BadRequest
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, render_statuses
from madang.mastodon_api.serializers.accounts import account_json
from madang.federation.lookup import resolve_remote
from madang.models import Account, Status, Tag
from madang.search.names import search_accounts_by_lemma, search_tags_by_lemma  # decision 0061
from madang.text import normalize

router = APIRouter()
TYPES = ("accounts", "hashtags", "statuses")


def tag_json(tag: Tag, url: str, *, following: bool = False) -> dict[str, Any]:
    # Usage history comes with trends; an empty history is a valid Tag.
    return {"id": str(tag.id), "name": tag.name, "url": f"{url}/tags/{quote(tag.name)}", "history": [],
            "following": following}


def _wanted(params: Params) -> set[str]:
    """No type: everything; an unknown type: nothing (Mastodon answers empty lists, not an error)."""
    kind = params.str("type") or ""
    if not kind:
        return set(TYPES)
    return {kind} & set(TYPES)


def _truthy(params: Params, name: str) -> bool:
    value = params.raw(name)
    return isinstance(value, str) and value.strip().lower() in TRUE or value is True


@router.get("/api/v2/search")
async def search_v2(request: Request) -> Response:
    caller = await optional_caller(request, "read:search")
    me = caller.account if caller else None
    params = await read_params(request)
    # NFC, and no NUL (PostgreSQL refuses it in a parameter): the text rules of a post.
    q = normalize(params.str("q") or "").strip()
    if not q:
        raise BadRequest("param is missing or the value is empty: q")
    limit = params.limit(20, 40)
    offset = params.int("offset", 0, minimum=0) or 0
    account_id, min_id, max_id = params.id("account_id"), params.id("min_id"), params.id("max_id")
    following = bool(params.bool("following", False))
    if me is None and offset > 0:
        raise Unauthorized("Search queries pagination is not supported without authentication")
    if me is None and _truthy(params, "resolve"):
        raise Unauthorized("Search queries that resolve remote resources are not supported without authentication")
    wanted = _wanted(params)
    url = base_url(request)
    body: dict[str, list[Any]] = {"accounts": [], "statuses": [], "hashtags": []}
    if me is not None and offset == 0 and _truthy(params, "resolve"):
        # Network first (WebFinger, a signed fetch), then the short units of the lookup itself.
        found = await resolve_remote(ctx(request).db, ctx(request).settings, q)
        if isinstance(found, Account) and "accounts" in wanted:
            body["accounts"].append(account_json(found, url))
        elif isinstance(found, Status) and "statuses" in wanted:
            async with ctx(request).db.read() as session:
                body["statuses"] = await render_statuses(session, request, [found], me.id)
            return JSON(body)
    async with ctx(request).db.read() as session:
        # Mastodon's rules: `#…` looks for tags, not people; `@` never names a tag.
        if "accounts" in wanted and not q.startswith(("#", "＃")) and not ("@" in q and " " in q):
            matches = await search_accounts_by_lemma(session, query=q, viewer_id=me.id if me else None, limit=limit,
                                                   offset=offset, following=following and me is not None)
            seen = {a["id"] for a in body["accounts"]}
            body["accounts"] += [account_json(a, url) for a in matches if str(a.id) not in seen][:limit - len(seen)]
        if "hashtags" in wanted and "@" not in q:
            tags = await search_tags_by_lemma(session, query=q, limit=limit, offset=offset)
            mine = await followed_tag_ids(session, account_id=me.id if me else None, tag_ids=[t.id for t in tags])
            body["hashtags"] = [tag_json(t, url, following=t.id in mine) for t in tags]
        if "statuses" in wanted and me is not None:
            settings = ctx(request).settings
            # Operators (from:, has:, before: …) are read here; a bad value is a 422, as Mastodon.
            statuses = await search.search_statuses(session, viewer_id=me.id, search=search.StatusSearch(
                query=q, limit=limit, offset=offset, account_id=account_id, max_id=max_id, min_id=min_id,
                local_domain=settings.public_host, time_zone=settings.time_zone))
            body["statuses"] = await render_statuses(session, request, statuses, me.id)
    return JSON(body)
