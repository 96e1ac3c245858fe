"""Accounts: registration, credentials, profiles, their statuses, follows, blocks and mutes."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from starlette.responses import Response

from madang import accounts as domain
from madang.accounts.confirmation import confirmation_required, send_confirmation
from madang.accounts.registration import SIGN_UP_REFUSED, EmailTaken, warn_owner_of_sign_up
from madang.auth.tokens import issue_token
from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.mastodon_api.auth import (PENDING_APPROVAL, UNCONFIRMED, Caller, issue_decoy_token, optional_caller,
                                      require_token, require_user)
from madang.mastodon_api.pagination import link_header
from madang.mastodon_api.params import read_params
from madang.mastodon_api.responses import JSON, error
from madang.mastodon_api.routes.common import base_url, ctx, page_of, path_id, render_statuses_bytes
from madang.media.custom_emojis import emojis_of_account
from madang.mastodon_api.serializers.accounts import account_json, credential_account_json, relationship_json
from madang.models import Application, FollowRequest, User
from madang.search import search_accounts
from madang.statuses.queries import AccountStatusFilter, list_account_statuses

router = APIRouter()
# A century: longer is "for ever" in practice, and a date past year 9999 cannot be stored.
MAX_MUTE_SECONDS = 100 * 366 * 24 * 3600


@router.post("/api/v1/accounts")
async def register(request: Request) -> Response:
    caller = await require_token(request, "write:accounts")
    c = ctx(request)
    if not c.settings.registrations_open:
        return error(403, "Registrations are closed on this server")
    params = await read_params(request)
    if not c.login_throttle.sign_up_attempts.allow(request.client.host if request.client else "-"):
        return error(429, "Too many sign-up attempts from this address; try again in a few minutes")
    if not params.bool("agreement", False):
        raise Invalid("You must agree to the server rules", field="agreement")
    confirm = confirmation_required(smtp_url=c.settings.smtp_url, enabled=c.settings.email_confirmation)
    try:
        async with c.db.write() as session:
            account, _user = await domain.register_account(
                session, username=params.str("username") or "", email=params.str("email") or "",
                password=params.str("password") or "", locale=(params.str("locale") or "ko")[:10],
                base_url=c.settings.base_url, confirmed=not confirm,
                approval_required=c.settings.approval_required, reason=params.str("reason") or "",
            )
            if confirm:
                # As Mastodon: the token is returned, and works once the e-mailed link is opened.
                await send_confirmation(session, user=_user, account=account, base_url=c.settings.base_url,
                                        site_title=c.settings.instance_title)
            app = await session.get(Application, caller.application_id) if caller.application_id else None
            issued = await issue_token(session, application=app, account=account, scopes=_scopes_of(app))
    except EmailTaken:
        return await _email_taken(request, caller, params.str("email") or "", confirm=confirm)
    return _token_json(issued.token, issued.row.scopes, issued.row.created_at)


def _scopes_of(app: Application | None) -> list[str]:
    return app.scopes.split() if app else ["read", "write", "follow", "push"]


def _token_json(secret: str, scopes: str, created_at: datetime) -> Response:
    return JSON({"access_token": secret, "token_type": "Bearer", "scope": scopes,
                 "created_at": int(created_at.timestamp())})


async def _email_taken(request: Request, caller: Caller, email: str, *, confirm: bool) -> Response:
    """A registered address answers as a new sign-up does where that sign-up cannot use its
    token yet (e-mail confirmation, approval): with a decoy token that is refused for the same
    reason, while the owner is e-mailed. Where a new sign-up could use its token at once, no
    decoy would pass for it: the refusal then does not name the address."""
    c = ctx(request)
    if not (confirm or c.settings.approval_required):
        raise Invalid(SIGN_UP_REFUSED, field="email")
    email = email.strip().lower()
    async with c.db.write() as session:
        if c.login_throttle.sign_up_notices.allow(email):  # no mail-bombing the owner through this
            await warn_owner_of_sign_up(session, email=email, base_url=c.settings.base_url,
                                        site_title=c.settings.instance_title)
        app = await session.get(Application, caller.application_id) if caller.application_id else None
    secret = issue_decoy_token(c, UNCONFIRMED if confirm else PENDING_APPROVAL)
    return _token_json(secret, " ".join(_scopes_of(app)), utcnow())


async def _credential_json(request: Request, account_id: int) -> dict:
    async with ctx(request).db.read() as session:
        account = await domain.get_account(session, account_id)
        user = await session.scalar(select(User).where(User.account_id == account_id))
        pending = await session.scalar(select(func.count()).select_from(FollowRequest)
                                       .where(FollowRequest.target_account_id == account_id)) or 0
    return credential_account_json(account, user, base_url(request), pending)


@router.get("/api/v1/accounts/verify_credentials")
async def verify_credentials(request: Request) -> Response:
    _, account = await require_user(request, "read:accounts")
    return JSON(await _credential_json(request, account.id))


@router.patch("/api/v1/accounts/update_credentials")
async def update_credentials(request: Request) -> Response:
    _, me = await require_user(request, "write:accounts")
    params = await read_params(request)
    fields = None
    if "fields_attributes" in params:
        raw = params.raw("fields_attributes")
        items = raw.values() if isinstance(raw, dict) else (raw if isinstance(raw, list) else [])
        fields = [{"name": str(f.get("name", "")), "value": str(f.get("value", ""))}
                  for f in items if isinstance(f, dict) and (f.get("name") or f.get("value"))]
    source = params.dict("source")
    async with ctx(request).db.write() as session:
        account = await domain.get_account(session, me.id)
        await domain.update_profile(
            session, account, display_name=params.str("display_name"), note=params.str("note"),
            locked=params.bool("locked"), bot=params.bool("bot"), discoverable=params.bool("discoverable"),
            indexable=params.bool("indexable"), fields=fields,
            outbound_allow=(ctx(request).settings.outbound_allow
                            if ctx(request).settings.profile_link_checks else None),
        )
        user = await session.scalar(select(User).where(User.account_id == me.id))
        if user is not None:
            privacy = source.str("privacy")
            if privacy is not None:
                if privacy not in ("public", "unlisted", "private", "direct"):
                    raise Invalid("source[privacy] must be public, unlisted, private or direct",
                                  field="source[privacy]")
                user.default_visibility = privacy
            sensitive = source.bool("sensitive")
            if sensitive is not None:
                user.default_sensitive = sensitive
            language = source.str("language")
            if language:
                user.default_language = language[:10]
    return JSON(await _credential_json(request, me.id))


@router.get("/api/v1/accounts/relationships")
async def relationships(request: Request) -> Response:
    _, me = await require_user(request, "read:follows")
    params = await read_params(request)
    ids = params.ids("id")[:100]
    async with ctx(request).db.read() as session:
        rels = await domain.get_relationships(session, account=me, target_ids=ids)
    return JSON([relationship_json(r) for r in rels])


@router.get("/api/v1/accounts/lookup")
async def lookup(request: Request) -> Response:
    await optional_caller(request)
    params = await read_params(request)
    acct = params.str("acct") or ""
    async with ctx(request).db.read() as session:
        account = await domain.find_account_by_acct(session, acct, local_domain=ctx(request).settings.public_host)
        emojis = await emojis_of_account(session, account) if account is not None else ()
    if account is None or account.suspended_at is not None:
        raise NotFound("Record not found")
    return JSON(account_json(account, base_url(request), emojis))


@router.get("/api/v1/accounts/search")
async def search(request: Request) -> Response:
    caller = await require_user(request, "read:accounts")
    params = await read_params(request)
    q = (params.str("q") or "").strip().lstrip("@")
    limit = params.limit(40, 80)
    offset = params.int("offset", 0, minimum=0) or 0
    async with ctx(request).db.read() as session:
        # madang.search's: case-insensitive on both databases, blocks left out, offset honoured.
        found = await search_accounts(session, query=q, viewer_id=caller[1].id, limit=limit, offset=offset,
                                      following=bool(params.bool("following", False)))
    return JSON([account_json(a, base_url(request)) for a in found])


async def _account(request: Request, account_id: str):  # type: ignore[no-untyped-def]
    async with ctx(request).db.read() as session:
        account = await domain.find_profile(session, path_id(account_id))
    if account is None or account.suspended_at is not None:
        raise NotFound("Record not found")
    return account


@router.get("/api/v1/accounts/{account_id}")
async def show(request: Request, account_id: str) -> Response:
    await optional_caller(request)
    account = await _account(request, account_id)
    emojis = ()
    if account.emoji_shortcodes:
        async with ctx(request).db.read() as session:
            emojis = await emojis_of_account(session, account)
    return JSON(account_json(account, base_url(request), emojis))


@router.get("/api/v1/accounts/{account_id}/statuses")
async def statuses(request: Request, account_id: str) -> Response:
    caller = await optional_caller(request, "read:statuses")
    viewer = caller.account.id if caller and caller.account else None
    params = await read_params(request)
    page = page_of(params, 20, 40)
    filters = AccountStatusFilter(
        only_media=bool(params.bool("only_media", False)), exclude_replies=bool(params.bool("exclude_replies", False)),
        exclude_reblogs=bool(params.bool("exclude_reblogs", False)), pinned=bool(params.bool("pinned", False)),
        tagged=params.str("tagged"),
    )
    async with ctx(request).db.read() as session:
        account = await domain.find_shown_account_ref(session, path_id(account_id))
        if account is None:
            raise NotFound("Record not found")
        if viewer is not None and await domain.blocked_either_way(session, viewer, account.id):
            rows = []
        else:
            rows = await list_account_statuses(session, account=account, viewer_id=viewer, page=page, filters=filters)
        # Encoded parts, as the timelines: a profile's page is read as often as a timeline.
        body = await render_statuses_bytes(session, request, rows, viewer, context="account")
    return JSON(body, headers=link_header(request, base_url(request), [s.id for s in rows], page.limit))


async def _account_list(request: Request, account_id: str, lister) -> Response:  # type: ignore[no-untyped-def]
    caller = await optional_caller(request, "read:accounts")
    viewer = caller.account if caller else None
    account = await _account(request, account_id)
    params = await read_params(request)
    page = page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        rows = await lister(session, account=account, viewer=viewer, max_id=page.max_id, since_id=page.since_id,
                            min_id=page.min_id, limit=page.limit)
    url = base_url(request)
    return JSON([account_json(a, url) for _, a in rows],
                headers=link_header(request, url, [cursor for cursor, _ in rows], page.limit))


@router.get("/api/v1/accounts/{account_id}/followers")
async def followers(request: Request, account_id: str) -> Response:
    return await _account_list(request, account_id, domain.list_followers)


@router.get("/api/v1/accounts/{account_id}/following")
async def following(request: Request, account_id: str) -> Response:
    return await _account_list(request, account_id, domain.list_following)


async def _relationship_after(request: Request, target_id: int, me_id: int) -> Response:
    async with ctx(request).db.read() as session:
        me = await domain.get_account(session, me_id)
        rel = (await domain.get_relationships(session, account=me, target_ids=[target_id]))[0]
    return JSON(relationship_json(rel))


async def _act(request: Request, account_id: str, scope: str, action) -> Response:  # type: ignore[no-untyped-def]
    _, me = await require_user(request, scope)
    target = await _account(request, account_id)
    params = await read_params(request)
    async with ctx(request).db.write() as session:
        actor = await domain.get_account(session, me.id)
        fresh = await domain.get_account(session, target.id)
        await action(session, actor, fresh, params)
    return await _relationship_after(request, target.id, me.id)


@router.post("/api/v1/accounts/{account_id}/follow")
async def follow(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.follow_account(session, account=actor, target=target,
                                    reblogs=params.bool("reblogs", True), notify=params.bool("notify", False))
    return await _act(request, account_id, "write:follows", act)


@router.post("/api/v1/accounts/{account_id}/unfollow")
async def unfollow(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.unfollow_account(session, account=actor, target=target)
    return await _act(request, account_id, "write:follows", act)


@router.post("/api/v1/accounts/{account_id}/block")
async def block(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.block_account(session, account=actor, target=target)
    return await _act(request, account_id, "write:blocks", act)


@router.post("/api/v1/accounts/{account_id}/unblock")
async def unblock(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.unblock_account(session, account=actor, target=target)
    return await _act(request, account_id, "write:blocks", act)


@router.post("/api/v1/accounts/{account_id}/mute")
async def mute(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.mute_account(session, account=actor, target=target,
                                  notifications=params.bool("notifications", True),
                                  duration=params.int("duration", 0, minimum=0, maximum=MAX_MUTE_SECONDS) or 0)
    return await _act(request, account_id, "write:mutes", act)


@router.post("/api/v1/accounts/{account_id}/unmute")
async def unmute(request: Request, account_id: str) -> Response:
    async def act(session, actor, target, params):  # type: ignore[no-untyped-def]
        await domain.unmute_account(session, account=actor, target=target)
    return await _act(request, account_id, "write:mutes", act)


@router.get("/api/v1/follow_requests")
async def follow_requests(request: Request) -> Response:
    _, me = await require_user(request, "read:follows")
    params = await read_params(request)
    page = page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        rows = await domain.list_follow_requests(session, account=me, max_id=page.max_id, since_id=page.since_id,
                                                 min_id=page.min_id, limit=page.limit)
    url = base_url(request)
    return JSON([account_json(a, url) for _, a in rows],
                headers=link_header(request, url, [c for c, _ in rows], page.limit))


@router.post("/api/v1/follow_requests/{account_id}/authorize")
async def authorize_request(request: Request, account_id: str) -> Response:
    _, me = await require_user(request, "write:follows")
    requester = await _account(request, account_id)
    async with ctx(request).db.write() as session:
        await domain.authorize_follow_request(session, account=await domain.get_account(session, me.id),
                                              requester=await domain.get_account(session, requester.id))
    return await _relationship_after(request, requester.id, me.id)


@router.post("/api/v1/follow_requests/{account_id}/reject")
async def reject_request(request: Request, account_id: str) -> Response:
    _, me = await require_user(request, "write:follows")
    requester = await _account(request, account_id)
    async with ctx(request).db.write() as session:
        await domain.reject_follow_request(session, account=await domain.get_account(session, me.id),
                                           requester=await domain.get_account(session, requester.id))
    return await _relationship_after(request, requester.id, me.id)


async def _own_list(request: Request, scope: str, lister) -> Response:  # type: ignore[no-untyped-def]
    _, me = await require_user(request, scope)
    params = await read_params(request)
    page = page_of(params, 40, 80)
    async with ctx(request).db.read() as session:
        rows = await lister(session, account=me, max_id=page.max_id, since_id=page.since_id, min_id=page.min_id,
                            limit=page.limit)
    url = base_url(request)
    return JSON([account_json(a, url) for _, a in rows],
                headers=link_header(request, url, [c for c, _ in rows], page.limit))


@router.get("/api/v1/blocks")
async def blocks(request: Request) -> Response:
    return await _own_list(request, "read:blocks", domain.list_blocks)


@router.get("/api/v1/mutes")
async def mutes(request: Request) -> Response:
    return await _own_list(request, "read:mutes", domain.list_mutes)

