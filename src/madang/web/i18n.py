"""Korean pages with English available: gettext catalogs (Babel), chosen per request.

Message ids are the Korean strings themselves, so a Korean page needs no catalog and a
missing English entry shows Korean rather than a key. Catalogs are the ``.po`` files
under ``locale/<lang>/LC_MESSAGES/``, compiled in memory at start-up (no build step, no binary in git)."""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "ko"
AVAILABLE = ("ko", "en")
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}

_current: ContextVar[str] = ContextVar("web_locale", default=DEFAULT)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """Every ``.po`` file of the locale merged (one file an area of the site, so areas can
    be translated independently)."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    if locale == DEFAULT or not folder.is_dir():
        return gettext.NullTranslations()
    # Babel on first use: a server whose readers all read Korean never loads it (~3 MB).
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = None
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        if merged is None:
            merged = catalog
        else:
            for message in catalog:
                if message.id:
                    merged[message.id] = message
    if merged is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is translated later (error messages)."""
    return message


def set_locale(locale: str) -> None:
    _current.set(locale if locale in AVAILABLE else DEFAULT)


def current_locale() -> str:
    return _current.get()


def gettext_(message: str, **variables: object) -> str:
    text = translations(_current.get()).gettext(message)
    return text % variables if variables else text


def ngettext_(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


def negotiate(accept_language: str | None) -> str:
    """The best of ko/en for an Accept-Language header; Korean when nothing matches."""
    if not accept_language:
        return DEFAULT
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip()
        if not piece:
            continue
        lang, _, q = piece.partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        wanted.append((weight, lang.split(";")[0].strip()))
    for _, lang in sorted(wanted, key=lambda w: -w[0]):
        code = lang.replace("_", "-").split("-")[0].lower()
        if code in AVAILABLE:
            return code
    return DEFAULT
