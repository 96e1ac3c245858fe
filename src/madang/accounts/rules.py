"""Input rules for accounts and users, checked before anything is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import regex

from madang.core.errors import Invalid
from madang.text.normalizing import normalize

USERNAME_MAX = 30
DISPLAY_NAME_MAX = 30  # grapheme clusters
DISPLAY_NAME_COLUMN_MAX = 100  # code points the column holds
NOTE_MAX = 500  # grapheme clusters
PASSWORD_MIN = 8
PASSWORD_MAX = 128
EMAIL_MAX = 254  # the longest address SMTP can carry
FIELDS_MAX = 4
FIELD_TEXT_MAX = 255

# Explicit ASCII classes: ``\w`` would let Hangul and other letters in. Case is kept
# as typed (as Mastodon does); uniqueness is on the lower-cased ``acct_key``.
_USERNAME = re.compile(r"[A-Za-z0-9_]{1,30}")
# Deliberately loose: the confirmation mail is the real test of an address.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

# Names that would shadow a route, look official, or impersonate the instance.
RESERVED_USERNAMES = frozenset(
    """
    about abuse account accounts admin administrator api apps assets auth avatars
    contact desk explore federated headers health help home hostmaster inbox info
    instance lists local login logout madang mail mastodon media moderator
    nodeinfo noreply no_reply notifications oauth office official open311 outbox
    postmaster privacy public register root rules search security settings share
    signup staff static status statuses support system tags terms timelines user
    users web webmaster well_known www
    """.split()
)


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise Invalid("Username must be 1-30 characters of a-z, 0-9 and _", field="username")
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("This username is reserved", field="username")
    return username


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise Invalid("E-mail address is not valid", field="email")
    return email


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid(
            f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters", field="password"
        )
    return password


def normalise_display_name(display_name: str) -> str:
    display_name = normalize(display_name).strip()
    if graphemes(display_name) > DISPLAY_NAME_MAX or len(display_name) > DISPLAY_NAME_COLUMN_MAX:
        raise Invalid(f"Display name must be at most {DISPLAY_NAME_MAX} characters", field="display_name")
    return display_name


def check_note(note: str) -> str:
    note = normalize(note)
    if graphemes(note) > NOTE_MAX:
        raise Invalid(f"Bio must be at most {NOTE_MAX} characters", field="note")
    return note


def check_locale(locale: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?", locale):
        raise Invalid("Locale is not valid", field="locale")
    return locale


def normalise_fields(fields: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Profile metadata as Mastodon keeps it: at most four name/value pairs; wholly
    empty rows are dropped (forms send blank rows), not rejected."""
    out: list[dict[str, Any]] = []
    for row in fields:
        name, value = row.get("name", ""), row.get("value", "")
        if not isinstance(name, str) or not isinstance(value, str):
            raise Invalid("Profile fields must be text", field="fields")
        name, value = normalize(name).strip(), normalize(value).strip()
        if not name and not value:
            continue
        if graphemes(name) > FIELD_TEXT_MAX or graphemes(value) > FIELD_TEXT_MAX:
            raise Invalid(f"Profile fields must be at most {FIELD_TEXT_MAX} characters", field="fields")
        out.append({"name": name, "value": value, "verified_at": None})
    if len(out) > FIELDS_MAX:
        raise Invalid(f"At most {FIELDS_MAX} profile fields", field="fields")
    return out
