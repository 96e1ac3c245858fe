"""Statuses: create, show, edit, delete, context, history, source, and the per-status actions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from madang.accounts import get_account, get_accounts
from madang.accounts.queries import default_visibility
from madang.core.errors import Invalid, NotFound
from madang.mastodon_api.auth import optional_caller, require_user
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import Params, parse_id, read_params
from madang.mastodon_api.problems import ApiProblem
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.polls import poll_spec
from madang.mastodon_api.routes.scheduled import schedule
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id, render_status, render_status_bytes, render_statuses, site
from madang.mastodon_api.serializers.accounts import account_json
from madang.mastodon_api.serializers.statuses import status_edit_json
from madang.media.custom_emojis import revision_emojis
from madang.models import Status
from madang.statuses import interactions
from madang.federation.mentions import resolve_mentioned
from madang.statuses.composing import prepare_text
from madang.statuses.create import create_status
from madang.statuses.delete import delete_status
from madang.statuses.edit import MediaChange, edit_status, list_revision_views
from madang.statuses.queries import get_context, get_shown_status, get_visible_status, list_favourited_by, list_reblogged_by

router = APIRouter()


def _media_ids(params: Params) -> list[int]:
    """``media_ids[]`` of the upload API; an id that is not a number names no upload (422)."""
    try:
        return params.ids("media_ids")
    except ApiProblem:
        raise Invalid("media_ids must be numeric ids", field="media_ids") from None


def _media_attributes(params: Params) -> list[MediaChange]:
    """``media_attributes[][id|description|focus]`` (form, or a JSON list of objects)."""
    raw = params.raw("media_attributes")
    if raw in (None, "", [], {}):
        return []
    items = list(raw.values()) if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Invalid("media_attributes must be a list of objects", field="media_attributes")
    out = []
    for item in items:
        try:
            media_id = parse_id(item.get("id"), "media_attributes[][id]")
        except ApiProblem:
            raise Invalid("media_attributes[][id] must be a media id", field="media_attributes") from None
        description, focus = item.get("description"), item.get("focus")
        if not isinstance(description, (str, type(None))) or not isinstance(focus, (str, type(None))):
            raise Invalid("media_attributes description and focus must be strings", field="media_attributes")
        out.append(MediaChange(id=media_id, description=description, focus=focus))
    return out


def _reply_target(params: Params) -> int | None:
    """As Mastodon: an in_reply_to_id that names no status, numeric or not, is a 404."""
    value = params.raw("in_reply_to_id")
    if value is None or value == "":
        return None
    try:
        return parse_id(value, "in_reply_to_id")
    except ApiProblem:
        raise NotFound("The post you are trying to reply to does not appear to exist.") from None


async def create(request: Request) -> Response:
    """A plain Starlette route (registered below), as the timelines: FastAPI's dependency
    machinery around the call was a measurable part of a post's CPU, and this takes only the
    request."""
    caller, me = await require_user(request, "write:statuses")
    params = await read_params(request)
    poll = poll_spec(params)
    if params.raw("scheduled_at"):
        return await schedule(request, params, me_id=me.id, application_id=caller.application_id, poll=poll, fields={
            "text": params.str("status") or "", "spoiler_text": params.str("spoiler_text") or "",
            "sensitive": bool(params.bool("sensitive", False)), "visibility": params.str("visibility"),
            "language": params.str("language"), "in_reply_to_id": _reply_target(params),
            "media_ids": _media_ids(params)})
    text, spoiler_text = params.str("status") or "", params.str("spoiler_text") or ""
    sensitive, visibility, language = bool(params.bool("sensitive", False)), params.str("visibility"), params.str("language")
    in_reply_to_id, media_ids = _reply_target(params), _media_ids(params)
    idempotency_key = request.headers.get("idempotency-key")
    # Checked, parsed and cut into search terms before the write unit, which waits for none of it.
    here = site(request)
    prepared = prepare_text(text, spoiler_text, max_characters=here.max_characters)
    # Remote accounts mentioned as @user@host are looked up on their servers first (short
    # timeouts; one that cannot be found stays text), never inside the write unit.
    await resolve_mentioned(ctx(request).db, ctx(request).settings, prepared.parsed.mentions)

    async def post(session: AsyncSession) -> Status:
        # The author is the token's account as cached for a few seconds (its username and
        # follower count); create_status reads its suspension in the transaction itself.
        return await create_status(
            session, site=here, author=me, text=text, spoiler_text=spoiler_text, sensitive=sensitive,
            visibility=visibility, language=language, in_reply_to_id=in_reply_to_id,
            application_id=caller.application_id, idempotency_key=idempotency_key,
            default_visibility="public" if visibility else await default_visibility(session, me.id),
            media_ids=media_ids, poll=poll, prepared=prepared,
        )

    # Posts arriving together share a commit (db.group_commit); each is still all or nothing.
    status = await ctx(request).db.write_grouped(post)
    # Rendered after the commit, on a reader: the single writer is free again sooner.
    async with ctx(request).db.read() as session:
        body = await render_status_bytes(session, request, status, me.id)
    return JSON(body)


router.add_route("/api/v1/statuses", create, methods=["POST"])


@router.get("/api/v1/statuses")
async def show_many(request: Request) -> Response:
    caller = await optional_caller(request, "read:statuses")
    viewer = caller.account.id if caller and caller.account else None
    params = await read_params(request)
    ids = params.ids("id")[:40]
    async with ctx(request).db.read() as session:
        found = []
        for status_id in ids:
            try:
                found.append(await get_shown_status(session, status_id, viewer))
            except NotFound:  # unknown or hidden ids are left out, as Mastodon does
                continue
        body = await render_statuses(session, request, found, viewer)
    return JSON(body)


async def _viewer(request: Request) -> int | None:
    caller = await optional_caller(request, "read:statuses")
    return caller.account.id if caller and caller.account else None


@router.get("/api/v1/statuses/{status_id}")
async def show(request: Request, status_id: str) -> Response:
    viewer = await _viewer(request)
    async with ctx(request).db.read() as session:
        status = await get_shown_status(session, path_id(status_id), viewer)
        body = await render_status(session, request, status, viewer)
    return JSON(body)


@router.delete("/api/v1/statuses/{status_id}")
async def destroy(request: Request, status_id: str) -> Response:
    _, me = await require_user(request, "write:statuses")
    async with ctx(request).db.write() as session:
        status = await get_visible_status(session, path_id(status_id), me.id)
        await delete_status(session, actor=await get_account(session, me.id), status=status)
        # The deleted post with its source, for delete-and-redraft.
        body = await render_status(session, request, status, me.id, with_source=True)
    return JSON(body)


@router.api_route("/api/v1/statuses/{status_id}", methods=["PUT", "PATCH"])
async def update(request: Request, status_id: str) -> Response:
    _, me = await require_user(request, "write:statuses")
    params = await read_params(request)
    poll = poll_spec(params)
    async with ctx(request).db.write() as session:
        status = await get_visible_status(session, path_id(status_id), me.id)
        # As Mastodon: no poll in an edit takes the poll away; no media_ids leaves the media.
        await edit_status(session, site=site(request), editor=await get_account(session, me.id), status=status,
                          text=params.str("status") or "", spoiler_text=params.str("spoiler_text"),
                          sensitive=params.bool("sensitive"), language=params.str("language"),
                          media_ids=_media_ids(params) if "media_ids" in params else None,
                          media_attributes=_media_attributes(params), poll=poll)
        body = await render_status(session, request, status, me.id)
    return JSON(body)


@router.get("/api/v1/statuses/{status_id}/context")
async def context(request: Request, status_id: str) -> Response:
    viewer = await _viewer(request)
    async with ctx(request).db.read() as session:
        status = await get_shown_status(session, path_id(status_id), viewer)
        thread = await get_context(session, status, viewer)
        ancestors = await render_statuses(session, request, thread.ancestors, viewer, context="thread")
        descendants = await render_statuses(session, request, thread.descendants, viewer, context="thread")
    return JSON({"ancestors": ancestors, "descendants": descendants})


@router.get("/api/v1/statuses/{status_id}/history")
async def history(request: Request, status_id: str) -> Response:
    viewer = await _viewer(request)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, path_id(status_id), viewer)
        revisions = await list_revision_views(session, status)
        authors = await get_accounts(session, {r.edit.account_id for r in revisions})
        emojis = await revision_emojis(session, authors[status.account_id].domain if status.account_id in authors else None,
                                        revisions)
    url = base_url(request)
    return JSON([status_edit_json(r.edit, authors[r.edit.account_id], url, media=r.media, poll_options=r.poll_options,
                                  emojis=emojis.get(r.edit.id, ()))
                 for r in revisions])


@router.get("/api/v1/statuses/{status_id}/source")
async def source(request: Request, status_id: str) -> Response:
    _, me = await require_user(request, "read:statuses")
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, path_id(status_id), me.id)
    return JSON({"id": str(status.id), "text": status.text, "spoiler_text": status.spoiler_text})


async def _action(request: Request, status_id: str, scope: str, action, *, returns_boost: bool = False) -> Response:  # type: ignore[no-untyped-def]
    _, me = await require_user(request, scope)
    params = await read_params(request)
    async with ctx(request).db.write() as session:
        status = await get_visible_status(session, path_id(status_id), me.id)
        result: Status = await action(session, await get_account(session, me.id), status, params)
    async with ctx(request).db.read() as session:
        body = await render_status(session, request, result, me.id)
    return JSON(body)


# The per-status actions: each is one use case taking (session, account, status); a boost
# also takes the visibility asked for. Registered from a table rather than eight near-copies.
STATUS_ACTIONS = {
    "reblog": ("write:statuses", interactions.reblog_status),
    "unreblog": ("write:statuses", interactions.unreblog_status),
    "favourite": ("write:favourites", interactions.favourite_status),
    "unfavourite": ("write:favourites", interactions.unfavourite_status),
    "bookmark": ("write:bookmarks", interactions.bookmark_status),
    "unbookmark": ("write:bookmarks", interactions.unbookmark_status),
    "pin": ("write:accounts", interactions.pin_status),
    "unpin": ("write:accounts", interactions.unpin_status),
}


def _status_action(scope: str, use_case):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request, status_id: str) -> Response:
        async def act(session, me, status, params):  # type: ignore[no-untyped-def]
            if use_case is interactions.reblog_status:
                return await use_case(session, site=site(request), account=me, status=status,
                                      visibility=params.str("visibility"))
            return await use_case(session, account=me, status=status)
        return await _action(request, status_id, scope, act)
    return endpoint


for _name, (_scope, _use_case) in STATUS_ACTIONS.items():
    router.add_api_route(f"/api/v1/statuses/{{status_id}}/{_name}", _status_action(_scope, _use_case),
                         methods=["POST"], name=f"status_{_name}")


async def _who(request: Request, status_id: str, lister) -> Response:  # type: ignore[no-untyped-def]
    viewer = await _viewer(request)
    params = await read_params(request)
    page = page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        status = await get_visible_status(session, path_id(status_id), viewer)
        rows = await lister(session, status=status, page=page)
    url = base_url(request)
    return JSON([account_json(a, url) for _, a in rows],
                headers=link_header(request, url, [c for c, _ in rows], page.limit))


@router.get("/api/v1/statuses/{status_id}/favourited_by")
async def favourited_by(request: Request, status_id: str) -> Response:
    return await _who(request, status_id, list_favourited_by)


@router.get("/api/v1/statuses/{status_id}/reblogged_by")
async def reblogged_by(request: Request, status_id: str) -> Response:
    return await _who(request, status_id, list_reblogged_by)
