"""Actors, posts and collections as ActivityStreams (content negotiation), and the inboxes."""

from __future__ import annotations

import re

import orjson
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route, Router

from madang.auth.throttle import SlidingWindow
from madang.federation.config import FederationConfig, config_of
from madang.federation.documents import (
    Served,
    featured,
    featured_tags,
    find_local_account,
    follow_collection,
    followers_on,
    local_actor,
    local_note,
    outbox,
)
from madang.federation.inbox import MAX_BODY, accept_activity, authenticate_fetch
from madang.federation.keys import ensure_actor_key
from madang.federation.replies import replies_collection
from madang.federation.render import instance_actor_document
from madang.runtime import ctx_of

router = APIRouter()
AS2 = "application/activity+json"


def wants_as2(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/activity+json" in accept or "application/ld+json" in accept


def _config(request: Request) -> FederationConfig:
    return config_of(ctx_of(request).db)


def _answer(served: Served, *, private: bool = False) -> Response:
    if served.document is None:
        status = 410 if served.gone else 404
        body = {"error": "Gone" if served.gone else "Record not found"}
        return Response(orjson.dumps(body), status_code=status, media_type=AS2)
    headers = {"Vary": "Accept"}
    if private:
        headers["Cache-Control"] = "private"
    return Response(orjson.dumps(served.document), media_type=AS2, headers=headers)


async def _secure(request: Request) -> Response | None:
    """Secure mode: an unsigned or badly signed GET is refused (401), a suspended server's 403."""
    settings = ctx_of(request).settings
    if not settings.authorized_fetch:
        return None
    check = await authenticate_fetch(
        ctx_of(request).db, _config(request), method=request.method,
        path=request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0],
        query=request.scope.get("query_string", b"").decode("latin-1"), headers=request.headers)
    if check.status == 200:
        return None
    return Response(orjson.dumps({"error": check.message}), status_code=check.status, media_type=AS2)


MINIMAL_ACTOR = ("@context", "id", "type", "preferredUsername", "inbox", "outbox", "publicKey", "endpoints", "url")


def _off(request: Request) -> Response | None:
    if not ctx_of(request).settings.federation:
        return Response(orjson.dumps({"error": "Record not found"}), status_code=404, media_type=AS2)
    return None


@router.get("/actor")
async def instance_actor(request: Request) -> Response:
    """The instance actor, served unsigned even in secure mode (it breaks the key-fetch loop)."""
    if (off := _off(request)) is not None:
        return off
    config, db = _config(request), ctx_of(request).db
    key = await ensure_actor_key(db, None)  # made by `madang migrate` and the keys job; here if neither ran
    return _answer(Served(instance_actor_document(base_url=config.base_url, host=config.host,
                                                  public_key_pem=key.public_pem)))


@router.get("/users/{username}")
async def actor(request: Request, username: str) -> Response:
    if not wants_as2(request):
        return RedirectResponse(f"/@{username}", status_code=302)
    if (off := _off(request)) is not None:
        return off
    config, db = _config(request), ctx_of(request).db
    async with db.read() as session:
        served = await local_actor(session, config, username)
        account = await find_local_account(session, username) if served.document is None else None
    if served.document is None and account is not None:
        # Keys are made by a job; an actor asked for before it ran gets one now.
        await ensure_actor_key(db, account.id)
        async with db.read() as session:
            served = await local_actor(session, config, username)
    if served.document is not None and await _secure(request) is not None:
        # Secure mode: an unsigned fetch gets the bare actor (enough to check a signature).
        return _answer(Served({k: v for k, v in served.document.items() if k in MINIMAL_ACTOR}), private=True)
    return _answer(served, private=ctx_of(request).settings.authorized_fetch)


@router.get("/users/{username}/statuses/{status_id}")
async def note(request: Request, username: str, status_id: int) -> Response:
    if not wants_as2(request):
        return RedirectResponse(f"/@{username}/{status_id}", status_code=302)
    if (off := _off(request)) is not None:
        return off
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await local_note(session, _config(request), username, status_id),
                       private=ctx_of(request).settings.authorized_fetch)


@router.get("/users/{username}/statuses/{status_id}/replies")
async def replies(request: Request, username: str, status_id: int, page: str | None = None,
                  only_other_accounts: str | None = None, min_id: int | None = None) -> Response:
    if (off := _off(request)) is not None:
        return off
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await replies_collection(session, _config(request), username, status_id, page=page is not None,
                                                only_other_accounts=only_other_accounts == "true", min_id=min_id),
                       private=ctx_of(request).settings.authorized_fetch)


@router.get("/users/{username}/statuses/{status_id}/activity")
async def note_activity(request: Request, username: str, status_id: int) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    from madang.federation.render import create

    async with ctx_of(request).db.read() as session:
        served = await local_note(session, _config(request), username, status_id)
    if served.document is not None:
        served = Served(create(served.document, served.document.get("attributedTo", "")))
    return _answer(served)


@router.get("/users/{username}/followers")
async def followers(request: Request, username: str, page: int | None = None) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await follow_collection(session, _config(request), username, followers=True, page=page))


@router.get("/users/{username}/followers_synchronization")
async def followers_synchronization(request: Request, username: str) -> Response:
    """FEP-8fcf: the ids of this account's followers on the asking server, to a signed GET only."""
    if (off := _off(request)) is not None:
        return off
    check = await authenticate_fetch(
        ctx_of(request).db, _config(request), method=request.method,
        path=request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0],
        query=request.scope.get("query_string", b"").decode("latin-1"), headers=request.headers)
    if check.status != 200:
        return Response(orjson.dumps({"error": check.message}), status_code=check.status, media_type=AS2)
    async with ctx_of(request).db.read() as session:
        served = await followers_on(session, _config(request), username, domain=check.signer.domain)
    return _answer(served, private=True)


@router.get("/users/{username}/following")
async def following(request: Request, username: str, page: int | None = None) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await follow_collection(session, _config(request), username, followers=False, page=page))


@router.get("/users/{username}/outbox")
async def outbox_route(request: Request, username: str, page: str | None = None, max_id: int | None = None) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await outbox(session, _config(request), username, max_id=max_id, page=page is not None))


@router.get("/users/{username}/collections/featured")
async def featured_route(request: Request, username: str) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await featured(session, _config(request), username))


@router.get("/users/{username}/collections/tags")
async def featured_tags_route(request: Request, username: str) -> Response:
    if (refused := await _secure(request)) is not None:
        return refused
    async with ctx_of(request).db.read() as session:
        return _answer(await featured_tags(session, _config(request), username))


_KEY_HOST = re.compile(r'keyid\s*=\s*"(?:https?://)?([^/"#:]+)', re.IGNORECASE)


def _sender_host(request: Request) -> str:
    """The signing key's host (or, unsigned, the client address) without parsing the signature."""
    header = request.headers.get("signature", "") or request.headers.get("signature-input", "")
    found = _KEY_HOST.search(header)
    if found:
        return found.group(1).lower()
    return request.client.host if request.client else "?"


def _inbox_window(request: Request) -> SlidingWindow:
    extras = ctx_of(request).extras
    window = extras.get("federation.inbox_window")
    if window is None:
        window = extras["federation.inbox_window"] = SlidingWindow(ctx_of(request).settings.federation_inbox_per_5min)
    return window


async def _inbox(request: Request) -> Response:
    if (off := _off(request)) is not None:
        return off
    if not _inbox_window(request).allow(_sender_host(request)):
        return Response(orjson.dumps({"error": "Too many activities from your server; try again later"}),
                        status_code=429, media_type=AS2, headers={"Retry-After": "60"})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return Response(orjson.dumps({"error": "The activity is too large"}), status_code=413, media_type=AS2)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return Response(orjson.dumps({"error": "The activity is too large"}), status_code=413, media_type=AS2)
    answer = await accept_activity(
        ctx_of(request).db, _config(request), method=request.method,
        path=request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0],
        query=request.scope.get("query_string", b"").decode("latin-1"), headers=request.headers, body=body)
    return Response(orjson.dumps({"error": answer.message} if answer.status >= 400 else {}),
                    status_code=answer.status, media_type=AS2)


# The inboxes are reached before the app's routing (activitypub.negotiation): servers deliver in
# bursts, and matching a path against several hundred routes cost ~5 ms a request.
inbox_router = Router(routes=[
    Route("/inbox", _inbox, methods=["POST"]),
    Route("/users/{username}/inbox", _inbox, methods=["POST"]),
    Route("/actor/inbox", _inbox, methods=["POST"]),
])
