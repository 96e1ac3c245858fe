"""Rendered cards kept for reuse: a timeline page is mostly cards that other readers (or the
same reader a moment ago) were just shown, and rendering a card's template costs far more
than the query that found it.

A card is rendered once with placeholders where the page differs (the CSRF token, the
address the action forms come back to) and stored under everything else it shows: the
status and its edit, the author's name and picture, counts, the viewer's marks, whether the
viewer wrote it, the language and the relative time text. Only the placeholders are
replaced per page."""

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
MAX_CARDS = 4000

_cards: OrderedDict[tuple, str] = OrderedDict()


def _key(s: dict[str, Any], context: Context, focused: bool) -> tuple:
    viewer = context.get("viewer")
    viewer_id = viewer.account.id if viewer is not None else None
    author = s["author"]
    boosted_by = s["boosted_by"]
    return (
        context.get("lang"), viewer_id is not None, viewer_id == author["id"], focused,
        s["id"], s["boost_id"], boosted_by and (boosted_by["name"], boosted_by["url"]), s["edited_at"],
        author["name"], author["avatar"], author["verified"], author["organisation"], author["acct"],
        s["replies_count"], s["reblogs_count"], s["favourites_count"],
        s["favourited"], s["reblogged"], s["bookmarked"], s["filtered"],
        relative_time(s["created_at"], context.get("time_zone") or "Asia/Seoul"),
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


@pass_context
def cached_card(context: Context, s: dict[str, Any], focused: bool = False) -> Markup:
    key = _key(s, context, focused)
    html = _cards.get(key)
    if html is None:
        module = env.get_template("web/_status.html").make_module(
            {**context.get_all(), "action_back": BACK, "action_back_query": BACK_QUERY})
        html = str(module.status_card(s, context.get("viewer"), CSRF, focused))
        _cards[key] = html
        if len(_cards) > MAX_CARDS:
            _cards.popitem(last=False)
    else:
        _cards.move_to_end(key)
    back = _back(context)
    return Markup(html.replace(CSRF, str(escape(context.get("csrf_token") or "")))
                  .replace(BACK_QUERY, str(escape(env.filters["urlencode"](back))))
                  .replace(BACK, str(escape(back))))


env.globals["cached_card"] = cached_card
