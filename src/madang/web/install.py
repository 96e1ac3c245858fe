"""Mounts the web pages on the app: routes, static files, security headers, error pages."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from madang.core.errors import DomainError, Forbidden, NotFound
from madang.web import i18n
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import SignInRequired, TwoFactorSetupRequired, WebProblem
from madang.web.refusals import needs_message
from madang.web.routes import compose, sessions, timelines
from madang.web.routes import profiles, search, tags
from madang.web.routes import bookmarks, live, notifications, status_actions, statuses
from madang.web.routes import about, account_data, passwords, settings, two_factor
from madang.web.routes import reports
from madang.web.routes import authorize_interaction  # issue 14
from madang.web.routes import settings_domain_blocks  # issue 14: servers a citizen blocked
from madang.web.routes import settings_filters  # issue 15: a citizen's filters
from madang.web.routes import announcements  # issue 15: instance announcements
from madang.web.routes import compose_suggest  # issue 17: the composer's @ and # suggestions
from madang.web.routes import security_keys  # issue 15: WebAuthn second factor
from madang.web.routes import app_shell  # issue 15: manifest, service worker, offline page, browser push
from madang.web.routes import scheduled_posts  # issue 15: a citizen's scheduled posts
from madang.web.routes.admin_common import InstanceSettingsRefresh
from madang.web.routes import conversations, follow_requests, polls, status_edits  # issue 13
from madang.web.routes import embeds, feeds, oembed  # issue 7: feeds and embeds
from madang.web.routes import short_links  # issue 7: short links
from madang.web.routes import followed_tags, lists  # issue 15: lists, followed hashtags
from madang.web.routes import explore, imports, settings_relations  # issue 15: explore, imports, muted and blocked accounts
from madang import routing
from madang.web.lazy_routes import LazyRoutes
from madang.web.routes.common import redirect, sign_in_url
from madang.web.security import HtmlSecurityHeaders
from madang.web.templating import TEMPLATES, render
from madang.web.views import card_cache  # noqa: F401  (registers cached_card in the templates)

STATIC_DIR = TEMPLATES.parent / "static" / "web"
ROUTERS = [profiles.router, tags.router, search.router, sessions.router, timelines.router, compose.router,
           statuses.router, status_actions.router, bookmarks.router, notifications.router, live.router]
ROUTERS += [settings.router, two_factor.router, account_data.router, passwords.router, about.router]
ROUTERS += [reports.router]
ROUTERS += [settings_domain_blocks.router]
ROUTERS += [settings_filters.router]
ROUTERS += [authorize_interaction.router]
ROUTERS += [announcements.router, security_keys.router, app_shell.router, scheduled_posts.router]
ROUTERS += [short_links.router]
# First: `/@name.rss` and `/tags/안양.rss` would otherwise be taken for a profile and a tag page.
# (embeds also answers one /office path, so it stays ahead of the office's own group.)
ROUTERS[:0] = [feeds.router, embeds.router, oembed.router]

ROUTERS += [explore.router, settings_relations.router, imports.router]  # issue 15
# Issue 13: follow requests, edits and their history, votes, direct messages.
# status_edits before status_actions: its `POST /statuses/{id}/{action}` would take `/edit`.
ROUTERS += [follow_requests.router, polls.router, conversations.router]
ROUTERS.insert(ROUTERS.index(status_actions.router), status_edits.router)
ROUTERS += [lists.router, followed_tags.router]  # issue 15
ROUTERS += [compose_suggest.router]  # issue 17

# The staff's pages, loaded at their first request (web.lazy_routes: idle memory). Each group's
# paths all start with its prefix and no other page's do; order within a group is kept.
LAZY_GROUPS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("/desk",), ("desk_dashboard", "desk_services", "desk_faq",  # desk_services before desk_settings: its
                  "desk_settings",  # `/desk/settings/{section}` would take `/desk/settings/services`
                  "desk_intake", "desk_inbox", "desk_cases", "desk_citizen")),
    (("/admin",), ("admin_reports", "admin_accounts", "admin_registrations", "admin_settings", "admin_audit",
                   "admin_domain_blocks", "admin_domain_allows", "admin_domain_import")),
    (("/office",), ("office_publish", "office_announcements", "office_links", "office_blog", "office_records",
                    "office_analytics", "office_health", "office_home", "office_monitor",
                    "office_tag_families")),
]


class _CachedStatic(StaticFiles):
    """Page assets are linked with a version in the URL, so they can be cached for a year."""

    def file_response(self, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def, override]
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        routing.include(app, router)
    for prefixes, modules in LAZY_GROUPS:
        app.router.routes.append(LazyRoutes(app, prefixes, [f"madang.web.routes.{name}" for name in modules]))
    app.mount("/static/web", _CachedStatic(directory=str(STATIC_DIR)), name="web-static")
    app.add_middleware(HtmlSecurityHeaders)
    app.add_middleware(InstanceSettingsRefresh)  # admin-set title, limits, sign-ups: fresh in every process
    app.add_exception_handler(WebProblem, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(SignInRequired, on_sign_in_required)  # type: ignore[arg-type]
    app.add_exception_handler(TwoFactorSetupRequired, on_two_factor_setup_required)  # type: ignore[arg-type]


async def on_problem(request: Request, exc: WebProblem) -> Response:
    return error_page(request, exc.status, i18n.gettext_(exc.message))


async def on_sign_in_required(request: Request, exc: SignInRequired) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": sign_in_url(request)})
    if request.method != "GET":
        return redirect("/auth/sign_in")
    return redirect(sign_in_url(request))


async def on_two_factor_setup_required(request: Request, exc: TwoFactorSetupRequired) -> Response:
    return redirect("/settings/two_factor", notice="two_factor_required")


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "web/error.html", status=status, status_code=status, message=message)


def on_domain_error(request: Request, exc: DomainError) -> Response:
    """A use case's refusal on a web page, in the reader's language; a refusal for want of a
    role names the role needed (web.refusals)."""
    status = 404 if isinstance(exc, NotFound) else 403 if exc.__class__.__name__ == "Forbidden" else 400
    if isinstance(exc, Forbidden) and exc.needs:
        return error_page(request, status, needs_message(exc.needs, page=request.method in ("GET", "HEAD")))
    return error_page(request, status, describe(exc))


_HTTP_MESSAGES = {404: N_("찾을 수 없습니다."), 405: N_("허용되지 않는 요청입니다."), 413: N_("보낸 내용이 너무 큽니다.")}


def on_http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    return error_page(request, status, i18n.gettext_(_HTTP_MESSAGES.get(status, "요청을 처리할 수 없습니다.")))
