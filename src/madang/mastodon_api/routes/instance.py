"""Instance v1 and v2, NodeInfo, WebFinger and host-meta: what clients read to know the server."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import __version__
from madang.accounts import find_account_by_acct
from madang import push
from madang.mastodon_api.responses import JSON, error
from madang.mastodon_api.routes.common import base_url, ctx
from madang.mastodon_api.serializers.accounts import account_json
from madang.statuses.instance_stats import instance_stats
from madang.moderation.instance_settings import InstanceInfo, find_contact_account, live_settings

router = APIRouter()
VERSION = f"4.3.0 (compatible; madang {__version__})"
SOURCE_URL = "https://github.com/madang-city/madang"


def _configuration(request: Request) -> dict[str, Any]:
    s = ctx(request).settings
    return {
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5, "max_profile_fields": 4},
        "statuses": {"max_characters": s.max_characters, "max_media_attachments": 4,
                     "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
            "description_limit": 1500, "image_size_limit": s.media_max_bytes, "image_matrix_limit": s.media_max_pixels,
            "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0,
        },
        "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                  "max_expiration": 2_629_746},
    }


async def _stats(request: Request) -> tuple[int, int]:
    async with ctx(request).db.read() as session:
        return await instance_stats(session)


async def _info(request: Request) -> InstanceInfo:
    """The admin's instance settings over the environment's (refreshed every few seconds)."""
    c = ctx(request)
    return await live_settings(c.extras, c.db, c.settings).current()


def _rules(info: InstanceInfo) -> list[dict[str, str]]:
    return [{"id": str(rule.id), "text": rule.text, "hint": rule.hint} for rule in info.rules]


def _thumbnail(request: Request, info: InstanceInfo) -> str:
    s = ctx(request).settings
    return f"{s.base_url}/media/{info.logo_path}" if info.logo_path else f"{s.base_url}/static/thumbnail.png"


async def _contact_account(request: Request) -> dict[str, Any] | None:
    info = await _info(request)
    async with ctx(request).db.read() as session:
        admin = await find_contact_account(session, info)
    return account_json(admin, base_url(request)) if admin else None


async def _vapid_public_key(request: Request) -> str:
    return await push.public_key(ctx(request).db, ctx(request).extras)


def _streaming(request: Request) -> str:
    s = ctx(request).settings
    return f"{'wss' if s.scheme == 'https' else 'ws'}://{s.public_host}"


@router.get("/api/v1/instance")
async def instance_v1(request: Request) -> Response:
    s = ctx(request).settings
    info = await _info(request)
    users, statuses = await _stats(request)
    config = _configuration(request)
    return JSON({
        "uri": s.public_host, "title": info.title, "short_description": info.short_description,
        "description": info.description or info.short_description, "email": info.contact_email, "version": VERSION,
        "urls": {"streaming_api": _streaming(request)},
        "stats": {"user_count": users, "status_count": statuses, "domain_count": 0},
        "thumbnail": _thumbnail(request, info), "languages": ["ko", "en"],
        "registrations": info.registrations_open, "approval_required": info.approval_required,
        "invites_enabled": False, "configuration": config, "contact_account": await _contact_account(request),
        "rules": _rules(info), "max_toot_chars": info.max_characters,
    })


@router.get("/api/v2/instance")
async def instance_v2(request: Request) -> Response:
    s = ctx(request).settings
    info = await _info(request)
    config = _configuration(request)
    config["urls"] = {"streaming": _streaming(request), "status": None, "about": f"{s.base_url}/about"}
    config["vapid"] = {"public_key": await _vapid_public_key(request)}
    config["translation"] = {"enabled": False}
    config["timelines_access"] = {
        "live_feeds": {"local": "public" if s.public_timelines_open else "authenticated",
                       "remote": "public" if s.public_timelines_open else "authenticated"},
        "hashtag_feeds": {"local": "public" if s.public_timelines_open else "authenticated",
                          "remote": "public" if s.public_timelines_open else "authenticated"},
        "trending_link_feeds": {"local": "public", "remote": "public"},
    }
    config["accounts"]["max_display_name_length"] = 30
    users, _ = await _stats(request)
    return JSON({
        "domain": s.public_host, "title": info.title, "version": VERSION, "source_url": SOURCE_URL,
        "description": info.short_description,
        "usage": {"users": {"active_month": users}},
        "thumbnail": {"url": _thumbnail(request, info), "blurhash": None, "versions": {}},
        "icon": [], "languages": ["ko", "en"], "configuration": config,
        "registrations": {"enabled": info.registrations_open, "approval_required": info.approval_required,
                          "message": None, "url": None, "min_age": None, "reason_required": False},
        # 2: grouped notifications (/api/v2/notifications), as Mastodon 4.3 reports.
        "api_versions": {"mastodon": 2},
        "contact": {"email": info.contact_email, "account": await _contact_account(request)},
        "rules": _rules(info),
    })


@router.get("/api/v1/instance/rules")
async def rules(request: Request) -> Response:
    return JSON(_rules(await _info(request)))


@router.get("/api/v1/instance/peers")
async def peers(request: Request) -> Response:
    return JSON([])


@router.get("/api/v1/instance/activity")
async def activity(request: Request) -> Response:
    return JSON([])


@router.get("/api/v1/instance/extended_description")
async def extended_description(request: Request) -> Response:
    from html import escape

    info = await _info(request)
    paragraphs = [p for p in (info.description or info.short_description).split("\n") if p.strip()]
    return JSON({"updated_at": (info.updated_at or "2026-01-01T00:00:00+00:00").replace("+00:00", "Z"),
                 "content": "".join(f"<p>{escape(p)}</p>" for p in paragraphs)})


@router.get("/.well-known/nodeinfo")
async def nodeinfo_links(request: Request) -> Response:
    url = base_url(request)
    return JSON({"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f"{url}/nodeinfo/2.0"},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f"{url}/nodeinfo/2.1"},
        # FEP-2677: where the server's own (instance) actor is.
        {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": f"{url}/actor"},
    ]})


async def _nodeinfo(request: Request, version: str) -> Response:
    from madang.statuses.instance_stats import active_users

    s = ctx(request).settings
    today = datetime.now(timezone.utc).date()
    async with ctx(request).db.read() as session:
        users, statuses = await instance_stats(session)
        month = await active_users(session, days=30, today=today)
        half_year = await active_users(session, days=180, today=today)
    software: dict[str, str] = {"name": "madang", "version": __version__}
    if version == "2.1":
        software["repository"] = "https://github.com/madang-city/madang"
        software["homepage"] = s.base_url
    return JSON({
        "version": version,
        "software": software,
        "protocols": ["activitypub"] if s.federation else [],
        "services": {"inbound": [], "outbound": []},
        "usage": {"users": {"total": users, "activeMonth": month, "activeHalfyear": half_year},
                  "localPosts": statuses},
        "openRegistrations": s.registrations_open,
        "metadata": {"nodeName": s.instance_title, "upstream": {"name": "mastodon"}},
    }, headers={"Content-Type": f"application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\""})


@router.get("/nodeinfo/2.0")
async def nodeinfo(request: Request) -> Response:
    return await _nodeinfo(request, "2.0")


@router.get("/nodeinfo/2.1")
async def nodeinfo_21(request: Request) -> Response:
    return await _nodeinfo(request, "2.1")


@router.get("/.well-known/webfinger")
async def webfinger(request: Request) -> Response:
    resource = request.query_params.get("resource", "").strip()
    s = ctx(request).settings
    jrd = {"Content-Type": "application/jrd+json; charset=utf-8", "Access-Control-Allow-Origin": "*"}
    if resource in (f"{s.base_url}/", s.base_url, f"{s.base_url}/actor", f"acct:{s.public_host}@{s.public_host}"):
        # The instance actor: FEP-d556 (the server's own URL) and Mastodon's acct:host@host.
        return JSON({
            "subject": f"acct:{s.public_host}@{s.public_host}",
            "aliases": [f"{s.base_url}/actor"],
            "links": [
                {"rel": "self", "type": "application/activity+json", "href": f"{s.base_url}/actor"},
                {"rel": "https://www.w3.org/ns/activitystreams#Service", "type": "application/activity+json",
                 "href": f"{s.base_url}/actor"},
            ],
        }, headers=jrd)
    acct = resource[5:] if resource.startswith("acct:") else resource
    if acct.startswith(f"{s.base_url}/@"):
        acct = acct[len(f"{s.base_url}/@"):]
    elif acct.startswith(f"{s.base_url}/users/"):
        acct = acct[len(f"{s.base_url}/users/"):]
    acct = acct.lstrip("@")
    username, _, domain = acct.partition("@")
    if not username or (domain and domain.lower() != s.public_host.lower()):
        return error(404, "Record not found")
    async with ctx(request).db.read() as session:
        account = await find_account_by_acct(session, username, local_domain=s.public_host)
    if account is None or not account.is_local:
        return error(404, "Record not found")
    if account.suspended_at is not None:
        return error(410, "Gone")
    links = [
        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
         "href": f"{s.base_url}/@{account.username}"},
    ]
    if s.federation:
        links += [
            {"rel": "self", "type": "application/activity+json", "href": f"{s.base_url}/users/{account.username}"},
            # Remote interaction (Mastodon's): other servers send their readers here to follow or reply.
            {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": f"{s.base_url}/authorize_interaction?uri={{uri}}"},
        ]
    if account.avatar_path:
        links.append({"rel": "http://webfinger.net/rel/avatar", "href": f"{s.base_url}/media/{account.avatar_path}"})
    return JSON({
        "subject": f"acct:{account.username}@{s.public_host}",
        "aliases": [f"{s.base_url}/@{account.username}", f"{s.base_url}/users/{account.username}"],
        "links": links,
    }, headers=jrd)


@router.get("/.well-known/host-meta")
async def host_meta(request: Request) -> Response:
    url = base_url(request)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">'
           f'<Link rel="lrdd" template="{url}/.well-known/webfinger?resource={{uri}}"/></XRD>')
    return Response(xml, media_type="application/xrd+xml")


@router.get("/.well-known/oauth-authorization-server")
async def oauth_metadata(request: Request) -> Response:
    from madang.auth.scopes import ALL

    url = base_url(request)
    return JSON({
        "issuer": f"{url}/",
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": f"{url}/oauth/authorize",
        "token_endpoint": f"{url}/oauth/token",
        "revocation_endpoint": f"{url}/oauth/revoke",
        "userinfo_endpoint": f"{url}/oauth/userinfo",
        "app_registration_endpoint": f"{url}/api/v1/apps",
        "scopes_supported": sorted(ALL),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    })
