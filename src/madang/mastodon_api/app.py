"""Installs the Mastodon API surface on an app: routes, error mapping, CORS, rate limits."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response

from madang import routing
from madang.core.errors import DomainError
from madang.mastodon_api.errors import (
    domain_error_response,
    http_error_response,
    problem_response,
    validation_error_response,
)
from madang.mastodon_api.middleware import RateLimit, StripTrailingSlash
from madang.mastodon_api.problems import ApiProblem
from madang.mastodon_api.routes import accounts, apps, instance, media, misc, notifications, oauth, statuses, timelines
from madang.mastodon_api.routes import search as search_routes
from madang.mastodon_api.routes import streaming
from madang.mastodon_api.routes import lists as list_routes
from madang.mastodon_api.routes import push as push_routes
from madang.mastodon_api.routes import compat
from madang.mastodon_api.routes import filters as filter_routes
from madang.mastodon_api.routes import conversations, featured_tags, reports, suggestions, trends
from madang.mastodon_api.routes import announcements as announcement_routes
from madang.mastodon_api.routes import polls as poll_routes
from madang.mastodon_api.routes import scheduled as scheduled_routes
from madang.mastodon_api.routes import grouped_notifications, tags, translation
from madang.mastodon_api.routes import domain_blocks as domain_block_routes  # issue 14
from madang.mastodon_api.routes import domain_allows as domain_allow_routes  # issue 14: allow-list mode

JSON_PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo", "/.well-known/", "/nodeinfo/")


def is_api_path(path: str) -> bool:
    return path.startswith(JSON_PREFIXES)


def install(app: FastAPI, *, rate_limit: int) -> None:
    # Routes are matched in order: the hottest reads (timelines, notifications) go first.
    # compat first: its fixed paths (accounts/familiar_followers, notifications/requests) would
    # otherwise be taken for ids by accounts/{id} and notifications/{id}.
    for module in (compat, timelines, notifications, statuses, accounts, instance, apps, oauth, search_routes, streaming, media, list_routes, push_routes, filter_routes, trends, reports, conversations, featured_tags, suggestions, poll_routes, scheduled_routes, misc,
                   tags, translation, grouped_notifications, domain_block_routes, domain_allow_routes,
                   announcement_routes):
        routing.include(app, module.router)
    app.add_middleware(RateLimit, limit=rate_limit)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["*", "Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["Link", "X-RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Request-Id",
                        "Idempotency-Key"],
        max_age=86400,
    )
    app.add_middleware(StripTrailingSlash)


async def on_domain_error(request: Request, exc: DomainError) -> Response:
    return domain_error_response(exc)


async def on_problem(request: Request, exc: ApiProblem) -> Response:
    return problem_response(exc)


async def on_http_error(request: Request, exc: HTTPException) -> Response:
    return http_error_response(exc)


async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
    return validation_error_response(request, exc)
