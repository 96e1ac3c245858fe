"""Every Korean string of the web pages has its English translation, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from madang.web import i18n

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("**/templates/web/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/web/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                        "lstrip_blocks": "True"}}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _korean_messages() -> set[str]:
    found = extract_from_dir(str(ROOT / "src/madang/web"), METHODS, OPTIONS,
                             keywords={"_": None, "gettext_": None, "N_": None})
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_string_of_the_pages_has_an_english_translation() -> None:
    messages = _korean_messages()
    assert len(messages) > 50  # the extraction itself works
    english = i18n.translations("en")
    missing = sorted(m for m in messages if english.gettext(m) == m)
    assert missing == [], f"add these to src/madang/web/locale/en/LC_MESSAGES/*.po: {missing}"
    broken = sorted(m for m in messages if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(english.gettext(m))))
    assert broken == []


def test_accept_language_picks_english_or_falls_back_to_korean() -> None:
    assert i18n.negotiate("en-US,en;q=0.9,ko;q=0.8") == "en"
    assert i18n.negotiate("ko-KR,ko;q=0.9,en;q=0.8") == "ko"
    assert i18n.negotiate("fr-FR,de;q=0.5") == "ko"
    assert i18n.negotiate("fr;q=0.9,en;q=0.2") == "en"
    assert i18n.negotiate("") == "ko" and i18n.negotiate(";;;q=x,") == "ko"
