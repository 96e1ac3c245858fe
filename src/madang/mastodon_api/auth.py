"""Bearer tokens: who is calling, with which scopes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request

from madang.accounts import find_account
from madang.accounts.confirmation import confirmation_required
from madang.accounts.queries import find_user_for_account
from madang.auth.scopes import covers
from madang.auth.token_cache import TokenCache
from madang.auth.tokens import digest, find_token
from madang.core.errors import Forbidden, Unauthorized
from madang.db.replicas import act_as
from madang.mastodon_api.problems import UserRequired
from madang.runtime import AppContext, ctx_of
from madang.models import AccessToken, Account


UNCONFIRMED = "Your login is missing a confirmed e-mail address"
PENDING_APPROVAL = "Your login is currently pending approval"
DECOY_LIFETIME = 2 * 86400.0  # as long as a confirmation link lives


@dataclass
class Caller:
    token: AccessToken
    account: Account | None  # None for an app token (client_credentials)

    @property
    def application_id(self) -> int | None:
        return self.token.application_id


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.query_params.get("access_token") or None


async def load_caller(request: Request) -> Caller | None:
    """None without a token; 401 for a token that is unknown or revoked (as Mastodon)."""
    caller = getattr(request.state, "caller", False)  # the rate limit's middleware may have looked already
    if caller is False:
        caller = request.state.caller = await caller_for(ctx_of(request), bearer(request))
    if caller is not None and caller.account is not None:
        act_as(caller.account.id)  # read-your-writes with a replica (db.replicas)
    return caller


async def caller_for(ctx: AppContext, secret: str | None) -> Caller | None:
    """Who a token belongs to (cached per process); None without a token, 401 for a token
    that is unknown, revoked, or whose account is suspended."""
    if not secret:
        return None
    key = digest(secret)
    hit = ctx.token_cache.get(key)
    if hit is not None:
        return hit
    async with ctx.db.read() as session:
        token = await find_token(session, secret)
        if token is None:
            decoy = _decoys(ctx).get(key)
            if decoy is not None:
                raise Forbidden(decoy)
            raise Unauthorized("The access token is invalid")
        account = await find_account(session, token.account_id) if token.account_id else None
        if token.account_id and (account is None or account.suspended_at is not None):
            raise Unauthorized("The access token is invalid")
        s = ctx.settings
        if account is not None and confirmation_required(smtp_url=s.smtp_url, enabled=s.email_confirmation):
            user = await find_user_for_account(session, account.id)
            if user is not None and user.confirmed_at is None:
                # Not cached: the token works as soon as the e-mailed link is opened.
                raise Forbidden(UNCONFIRMED)
        if account is not None and account.domain is None:
            # A sign-up still waiting for an admin (registrations by approval) is refused as
            # Mastodon refuses it; not cached, so the token works once an admin approves.
            user = await find_user_for_account(session, account.id)
            if user is not None and not user.approved:
                raise Forbidden(PENDING_APPROVAL)
        caller = Caller(token, account)
    ctx.token_cache.put(key, caller)
    return caller


def _decoys(ctx: AppContext) -> TokenCache[str]:
    store = ctx.extras.get("decoy_tokens")
    if store is None:
        store = ctx.extras["decoy_tokens"] = TokenCache(ttl=DECOY_LIFETIME, max_entries=10_000)
    return store


def issue_decoy_token(ctx: AppContext, refusal: str) -> str:
    """A token for a sign-up that made no account (its address was taken), refused with
    ``refusal`` as a new sign-up's token is until it is confirmed or approved: the answer to
    the sign-up must not tell whether the address is registered. Kept in this process only."""
    secret = secrets.token_urlsafe(32)
    _decoys(ctx).put(digest(secret), refusal)
    return secret


def _check_scope(caller: Caller, scope: str | None) -> None:
    if scope and not covers(caller.token.scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")


async def optional_caller(request: Request, scope: str | None = None) -> Caller | None:
    caller = await load_caller(request)
    if caller is not None and caller.account is not None:
        _check_scope(caller, scope)
    return caller


async def require_token(request: Request, scope: str | None = None) -> Caller:
    caller = await load_caller(request)
    if caller is None:
        raise Unauthorized("The access token is invalid")
    _check_scope(caller, scope)
    return caller


async def require_user(request: Request, scope: str | None = None) -> tuple[Caller, Account]:
    caller = await require_token(request, scope)
    if caller.account is None:
        # An app token (client_credentials) is valid, just not a user's: Mastodon's
        # require_user! answers 422 here, keeping 401 for a token that is missing or invalid.
        raise UserRequired("This method requires an authenticated user")
    return caller, caller.account
