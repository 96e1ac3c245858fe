"""POST /oauth/token and /oauth/revoke, answering in RFC 6749's error format."""

from __future__ import annotations

import base64
from urllib.parse import unquote

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang.accounts import authenticate, get_account
from madang.accounts.two_factor import is_on as two_factor_on
from madang.accounts.confirmation import check_confirmed, confirmation_required
from madang.auth.applications import authenticate_client
from madang.auth.tokens import digest, exchange_code, issue_token, requested_scopes, revoke_token
from madang.core.errors import DomainError, Invalid, RateLimited, Unauthorized
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.responses import JSON, error
from madang.mastodon_api.routes.common import base_url, ctx
from madang.mastodon_api.serializers.accounts import account_json

router = APIRouter()


def _client_credentials(request: Request, params: Params) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
            client_id, _, secret = decoded.partition(":")
            return unquote(client_id), unquote(secret)
        except (ValueError, UnicodeDecodeError):
            return None, None
    return params.str("client_id"), params.str("client_secret")


def _token_json(secret: str, scopes: str, created_at: int) -> dict:
    return {"access_token": secret, "token_type": "Bearer", "scope": scopes, "created_at": created_at}


@router.post("/oauth/token")
async def token(request: Request) -> Response:
    params = await read_params(request)
    grant = params.str("grant_type")
    client_id, client_secret = _client_credentials(request, params)
    c = ctx(request)
    try:
        async with c.db.write() as session:
            app = await authenticate_client(session, client_id, client_secret)
            if grant == "authorization_code":
                code = await exchange_code(session, application=app, code=params.str("code") or "",
                                           redirect_uri=params.str("redirect_uri"),
                                           code_verifier=params.str("code_verifier"))
                account = await get_account(session, code.account_id)
                issued = await issue_token(session, application=app, account=account, scopes=code.scopes.split())
            elif grant == "client_credentials":
                issued = await issue_token(session, application=app, account=None,
                                           scopes=requested_scopes(app, params.str("scope")))
            elif grant == "password":
                login = params.str("username") or ""
                address = request.client.host if request.client else "-"
                c.login_throttle.sign_in.check(login, address)  # the web's sign-in throttle, shared
                try:
                    user = await authenticate(session, login=login, password=params.str("password") or "")
                except Unauthorized:
                    c.login_throttle.sign_in.failed(login, address)
                    raise Unauthorized("Invalid username or password") from None
                c.login_throttle.sign_in.succeeded(login, address)
                if confirmation_required(smtp_url=c.settings.smtp_url, enabled=c.settings.email_confirmation):
                    check_confirmed(user)
                if await two_factor_on(session, user.id):  # as Mastodon: the browser flow asks the code
                    raise Unauthorized("Two-factor authentication is on for this account: sign in through "
                                       "the authorization code flow (/oauth/authorize) instead")
                account = await get_account(session, user.account_id)
                issued = await issue_token(session, application=app, account=account,
                                           scopes=requested_scopes(app, params.str("scope")))
            else:
                return error(400, "unsupported_grant_type",
                             "The authorization grant type is not supported by the authorization server.")
    except RateLimited as exc:
        return error(429, "rate_limited", exc.message, headers={"Retry-After": str(exc.retry_after)})
    except Unauthorized as exc:
        if "Client authentication failed" in exc.message:
            return error(401, "invalid_client", exc.message)
        return error(400, "invalid_grant", exc.message)
    except Invalid as exc:
        return error(400, "invalid_scope" if exc.field == "scope" else "invalid_request", exc.message)
    except DomainError as exc:
        return error(400, "invalid_grant", exc.message)
    row = issued.row
    return JSON(_token_json(issued.token, row.scopes, int(row.created_at.timestamp())))


@router.post("/oauth/revoke")
async def revoke(request: Request) -> Response:
    params = await read_params(request)
    client_id, client_secret = _client_credentials(request, params)
    try:
        async with ctx(request).db.write() as session:
            app = await authenticate_client(session, client_id, client_secret)
            await revoke_token(session, application=app, secret=params.str("token") or "")
        ctx(request).token_cache.forget(digest(params.str("token") or ""))
    except Unauthorized as exc:
        return error(403, "unauthorized_client", exc.message)
    return JSON({})


@router.api_route("/oauth/userinfo", methods=["GET", "POST"])
async def userinfo(request: Request) -> Response:
    """OpenID Connect claims about the token's user (Mastodon 4.4+), for a token with ``profile``."""
    _, me = await require_user(request, "profile")
    account = account_json(me, base_url(request))
    return JSON({
        "iss": f"{base_url(request)}/",
        "sub": account["uri"],
        "name": account["display_name"] or account["username"],
        "preferred_username": account["username"],
        "profile": account["url"],
        "picture": account["avatar"],
    })
