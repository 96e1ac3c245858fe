"""The Jinja2 environment of the web pages: i18n, Seoul times, relative times in Korean."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote
from typing import Any

from functools import cache

from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from madang.core.clock import utcnow
from madang.text.particles import resolve_particles
from madang.web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STATIC_VERSION = "2"  # bump when static files change, so long cache headers stay safe

# Korean readers expect 오전/오후 spelled out; CLDR's short form prints AM/PM.
_LONG = {"ko": "yyyy년 M월 d일 aaaa h:mm", "en": "MMM d, yyyy, h:mm a"}
_SHORT = {"ko": "M월 d일", "en": "MMM d"}


def particles(text: str) -> str:
    """{{ _("‘%(w)s’이(가) …", w=word)|particles }}: 이(가) after 후보 becomes 가, after 당선인 이."""
    return Markup(resolve_particles(str(text))) if isinstance(text, Markup) else resolve_particles(text)


@cache
def _locale(code: str) -> Locale:
    # Babel parses a locale string on every call; a page formats dozens of times.
    return Locale.parse(code)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def local_time(when: datetime | None, time_zone: str = "Asia/Seoul") -> str:
    if when is None:
        return ""
    locale = i18n.current_locale()
    return format_datetime(_aware(when), _LONG.get(locale, _LONG["ko"]), tzinfo=time_zone, locale=_locale(locale))


def local_date(when: datetime | None, time_zone: str = "Asia/Seoul") -> str:
    """The day ``when`` falls on in ``time_zone``, as the reader's language writes a date."""
    if when is None:
        return ""
    locale = i18n.current_locale()
    return format_date(_aware(when).astimezone(ZoneInfo(time_zone)).date(), "long", locale=_locale(locale))


def local_input(when: datetime | None, time_zone: str = "Asia/Seoul") -> str:
    """A datetime-local input's value (``2026-07-20T09:00``) in ``time_zone``."""
    if when is None:
        return ""
    return _aware(when).astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%dT%H:%M")


_RECENT_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
_recent_texts: dict[tuple[str, str, int], str] = {}


def _recent(delta: timedelta, seconds: float, locale: str) -> str:
    """Babel's ``format_timedelta`` of a past ``delta`` under a week, kept per (language, unit,
    count): Babel names the first unit of which there is at least one and rounds the count, so
    those three decide the text (tests/web/test_relative_times.py); a page formats twenty."""
    for unit, size in _RECENT_UNITS:
        if seconds / size >= 1:
            key = (locale, unit, int(round(seconds / size)))
            break
    else:
        key = (locale, "second", int(round(seconds)))
    text = _recent_texts.get(key)
    if text is None:
        text = _recent_texts[key] = format_timedelta(delta, add_direction=True, locale=_locale(locale), threshold=1)
    return text


def relative_time(when: datetime | None, time_zone: str = "Asia/Seoul") -> str:
    """`방금`, `3분 전`, `2시간 전`, `5일 전`; older than a week: the date in Seoul."""
    if when is None:
        return ""
    delta = _aware(when) - utcnow()
    seconds = -delta.total_seconds()
    if seconds < 45:
        return i18n.gettext_("방금")
    locale = i18n.current_locale()
    if seconds < 7 * 86400:
        return _recent(delta, seconds, locale)
    pattern = _SHORT[locale] if _aware(when).year == utcnow().year else _LONG[locale].split(" a")[0]
    return format_datetime(_aware(when), pattern, tzinfo=time_zone, locale=_locale(locale))


def number(value: int) -> str:
    # Korean and English both group thousands with a comma.
    return f"{value:,}"


@pass_context
def in_desk(context: Any, url: str) -> str:
    """A desk URL that stays at the desk being worked at: staff of several organisations carry
    ``org=`` on every link and form (set by desk_common.staff_desk), so a POST never lands on
    another organisation's desk."""
    request = context.get("request")
    org = getattr(request.state, "desk_org", None) if request is not None else None
    if not org:
        return url
    path, _, fragment = url.partition("#")
    path += ("&" if "?" in path else "?") + "org=" + quote(org)
    return path + ("#" + fragment if fragment else "")


GETTEXT_REMEMBERED = 4096  # distinct (language, message) pairs kept; page texts are a few hundred


def _remembered_gettext(jinja_gettext: Any) -> Any:
    """Jinja's newstyle gettext, its answer kept for a message without variables: a page asks
    for ~80 such texts, each otherwise translated, wrapped in Markup and %-formatted again
    (~10% of a page's CPU). The same answer as Jinja's: the language is part of the key."""
    remembered: dict[tuple[str, str, bool], Any] = {}

    @pass_context
    def gettext(__context: Any, __string: str, **variables: Any) -> Any:
        if variables:
            return jinja_gettext(__context, __string, **variables)
        key = (i18n.current_locale(), __string, __context.eval_ctx.autoescape)
        found = remembered.get(key)
        if found is None:
            found = jinja_gettext(__context, __string)
            if len(remembered) < GETTEXT_REMEMBERED:
                remembered[key] = found
        return found

    return gettext


def _build() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates change only with a deploy: no stat() per render
    )
    env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = _remembered_gettext(env.globals["gettext"])
    env.filters["local_time"] = local_time
    env.filters["local_date"] = local_date
    env.filters["local_input"] = local_input
    env.filters["ago"] = relative_time
    env.filters["number"] = number
    env.filters["in_desk"] = in_desk
    env.filters["particles"] = particles
    env.globals["static_version"] = STATIC_VERSION
    return env


env = _build()


def render_text(name: str, **context: Any) -> str:
    return env.get_template(name).render(**context)


def render(request: Request, name: str, *, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """A page (or an htmx fragment) in the request's language, with what every page needs."""
    from madang.web.context import page_context  # late: context imports the session helpers

    from madang.web.csrf import set_csrf_cookie

    body = env.get_template(name).render(**page_context(request), **context)
    response = HTMLResponse(body, status_code=status, headers=headers)
    # Pages differ per viewer and carry a CSRF token: never stored by shared caches.
    response.headers.setdefault("Cache-Control", "private, no-store")
    response.headers.setdefault("Vary", "Cookie, Accept-Language")
    set_csrf_cookie(request, response)
    return response
