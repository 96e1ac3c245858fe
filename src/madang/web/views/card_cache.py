"""Rendered cards kept for reuse: a timeline page is mostly cards that other readers (or the
same reader a moment ago) were just shown, and rendering a card's template costs far more
than the query that found it.

A card is two parts, each kept on its own:
- the body (author, time, text, photos) is the same for every reader: kept per status, its
  edit, its author's name and picture, the filter warning, the language and the relative time;
- the footer (reply, boost, favourite, bookmark, delete) depends on the reader's marks and the
  counts but not on which post it is: rendered with placeholders for the post's ids, the CSRF
  token and the address the forms return to, so one rendering serves every post with the same
  counts and marks. Only the placeholders are replaced per page."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from madang.web.templating import env, relative_time

# Letters only: unchanged by HTML escaping and by URL encoding.
CSRF = "madangCardCsrfPlaceholder"
BACK = "madangCardBackPlaceholder"
BACK_QUERY = "madangCardBackQueryPlaceholder"
STATUS_ID = "madangCardStatusIdPlaceholder"
TARGET_ID = "madangCardTargetIdPlaceholder"
MAX_BODIES = 8000
MAX_FOOTERS = 2000

_bodies: OrderedDict[tuple, str] = OrderedDict()
_footers: OrderedDict[tuple, str] = OrderedDict()


def _remember(cache: OrderedDict[tuple, str], key: tuple, value: str, limit: int) -> None:
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)


def _body_key(s: dict[str, Any], context: Context, focused: bool) -> tuple:
    author, boosted_by = s["author"], s["boosted_by"]
    return (
        context.get("lang"), focused, s["id"], s["boost_id"], boosted_by and (boosted_by["name"], boosted_by["url"]),
        s["edited_at"], author["name"], author["avatar"], author["verified"], author["organisation"],
        author["acct"], s["filtered"], relative_time(s["created_at"], context.get("time_zone") or "Asia/Seoul"),
    )


def _footer_key(s: dict[str, Any], context: Context) -> tuple:
    viewer = context.get("viewer")
    viewer_id = viewer.account.id if viewer is not None else None
    return (
        context.get("lang"), viewer_id is not None, viewer_id == s["author"]["id"], s["visibility"],
        s["boost_id"] is not None, s["replies_count"], s["reblogs_count"], s["favourites_count"],
        s["favourited"], s["reblogged"], s["bookmarked"],
    )


def _back(context: Context) -> str:
    """Where the card's action forms return to: as the template computes it."""
    explicit = context.get("action_back")
    if explicit:
        return explicit
    request = context["request"]
    query = "&".join(f"{env.filters['urlencode'](k)}={env.filters['urlencode'](v)}"
                     for k, v in request.query_params.multi_items() if k != "notice")
    return request.url.path + (f"?{query}" if query else "")


def _module(context: Context) -> Any:
    return env.get_template("web/_status.html").make_module(
        {**context.get_all(), "action_back": BACK, "action_back_query": BACK_QUERY})


@pass_context
def cached_card(context: Context, s: dict[str, Any], focused: bool = False) -> Markup:
    body_key, footer_key = _body_key(s, context, focused), _footer_key(s, context)
    body, footer = _bodies.get(body_key), _footers.get(footer_key)
    if body is None or footer is None:
        module = _module(context)
        if body is None:
            body = str(module.status_body(s, focused))
            _remember(_bodies, body_key, body, MAX_BODIES)
        if footer is None:
            placeholders = {**s, "id": STATUS_ID, "boost_id": TARGET_ID if s["boost_id"] else None}
            footer = str(module.status_actions(placeholders, context.get("viewer"), CSRF))
            _remember(_footers, footer_key, footer, MAX_FOOTERS)
    else:
        _bodies.move_to_end(body_key)
        _footers.move_to_end(footer_key)
    back = _back(context)
    poll = str(_module(context).status_poll(s, context.get("viewer"), context.get("csrf_token") or "")) \
        if s.get("poll") else ""
    footer = (footer.replace(CSRF, str(escape(context.get("csrf_token") or "")))
              .replace(BACK_QUERY, str(escape(env.filters["urlencode"](back))))
              .replace(BACK, str(escape(back)))
              .replace(TARGET_ID, str(s["boost_id"])).replace(STATUS_ID, str(s["id"])))
    return Markup(f'{body}\n{poll}  <footer class="status-actions">\n    {footer}\n  </footer>\n</article>')


env.globals["cached_card"] = cached_card
