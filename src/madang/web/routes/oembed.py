"""oEmbed for posts (`/api/oembed?url=…`), Mastodon's endpoint and answer: a `rich` type whose
HTML is an iframe of the post's embed page. It lives with the web pages it describes (the URL
it reads and the page it frames are theirs); its answers and errors are JSON, as under /api."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from madang.core.errors import NotFound
from madang.feeds.build import item_title
from madang.feeds.queries import get_embeddable_status, status_id_from_url
from madang.web.routes.common import ctx, site_of
from madang.web.templating import STATIC_VERSION, env

router = APIRouter()
DEFAULT_WIDTH = 400  # Mastodon's
CACHE_AGE = 86_400


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _size(request: Request, name: str) -> int | None | JSONResponse:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 5 or int(value) == 0:
        return _error(400, f"{name} must be a positive number")
    return int(value)


def oembed_url(base_url: str, page_url: str) -> str:
    """The discovery link's href for a post page (absolute, as oEmbed consumers need)."""
    return f"{base_url}/api/oembed?format=json&url={quote(page_url, safe='')}"


def oembed_link(request: Request, page_path: str) -> str:
    """For the post page's <link rel="alternate" type="application/json+oembed">."""
    base = site_of(request).base_url
    return oembed_url(base, base + page_path)


env.globals["oembed_link"] = oembed_link


def embed_html(base_url: str, embed_path: str, *, width: int, height: int | None, title: str) -> str:
    sized = f' width="{width}"' + (f' height="{height}"' if height else "")
    return (f'<iframe src="{escape(base_url + embed_path)}" class="madang-embed" style="max-width: 100%; border: 0"'
            f'{sized} allowfullscreen="allowfullscreen" title="{escape(title)}"></iframe>'
            f'<script src="{escape(base_url)}/static/web/embed.js?v={STATIC_VERSION}" async="async"></script>')


@router.get("/api/oembed")
async def oembed(request: Request) -> Response:
    url = request.query_params.get("url")
    if not url:
        return _error(400, "url is missing")
    if request.query_params.get("format", "json") != "json":
        return _error(501, "Not implemented")  # oEmbed's answer to a format it does not serve
    width, height = _size(request, "maxwidth"), _size(request, "maxheight")
    for size in (width, height):
        if isinstance(size, JSONResponse):
            return size
    site = site_of(request)
    found = status_id_from_url(url, host=site.domain)
    if found is None:
        return _error(404, "Record not found")
    username, status_id = found
    async with ctx(request).db.read() as session:
        try:
            view = await get_embeddable_status(session, status_id=status_id, username=username)
        except NotFound:
            return _error(404, "Record not found")
    author = view.account
    author_url = f"{site.base_url}/@{author.username}"
    title = item_title(view)
    body = {
        "type": "rich", "version": "1.0", "title": title,
        "author_name": author.display_name or author.username, "author_url": author_url,
        "provider_name": site.domain, "provider_url": site.base_url + "/", "cache_age": CACHE_AGE,
        "html": embed_html(site.base_url, f"/@{author.username}/{view.status.id}/embed",
                           width=width or DEFAULT_WIDTH, height=height, title=title),  # type: ignore[arg-type]
        "width": width or DEFAULT_WIDTH, "height": height,
    }
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=300"})
