"""The instance's settings as the admin sets them (title, description, rules, contact, logo,
character limit, registrations), over the environment's defaults (Settings).

Stored as key/value rows; a key without a row falls back to the default. Each process keeps
the resolved values (LiveInstanceSettings) and writes them onto its Settings object, so the
code that reads ``settings.max_characters`` or ``settings.registrations_open`` (Site.of, the
sign-up pages) follows the admin without being changed. The saving process refreshes at once;
other processes re-read the rows when their copy is older than ``ttl`` seconds."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Invalid
from madang.media.file_removal import remove_files_later
from madang.media.storage import MediaStore
from madang.models import Account
from madang.models.moderation_admin import REGISTRATION_MODES, InstanceSetting
from madang.moderation.audit import record_action
from madang.moderation.permissions import require_admin

TITLE_MAX = 100
SHORT_DESCRIPTION_MAX = 500
DESCRIPTION_MAX = 5000
RULES_MAX = 30
RULE_MAX = 300
MAX_CHARACTERS_RANGE = (1, 5000)
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
EXTRAS_KEY = "moderation.instance_settings"


@dataclass(frozen=True)
class Rule:
    id: int
    text: str
    hint: str = ""


@dataclass(frozen=True)
class InstanceInfo:
    title: str
    short_description: str
    description: str
    contact_email: str
    contact_username: str  # "" = the first admin
    rules: tuple[Rule, ...]
    logo_path: str | None
    max_characters: int
    registrations_mode: str
    updated_at: str | None = None  # ISO time of the last save; None while only defaults apply
    # Staff (instance admins and desk staff) must set up two-factor sign-in to use staff pages.
    require_two_factor_staff: bool = False

    @property
    def registrations_open(self) -> bool:
        return self.registrations_mode != "closed"

    @property
    def approval_required(self) -> bool:
        return self.registrations_mode == "approval"


class _EnvSettings(Protocol):
    instance_title: str
    instance_description: str
    contact_email: str
    max_characters: int
    registrations_open: bool
    approval_required: bool


def defaults_from(settings: _EnvSettings) -> InstanceInfo:
    mode = "closed" if not settings.registrations_open else "approval" if settings.approval_required else "open"
    return InstanceInfo(title=settings.instance_title, short_description=settings.instance_description,
                        description=settings.instance_description, contact_email=settings.contact_email,
                        contact_username="", rules=(), logo_path=None, max_characters=settings.max_characters,
                        registrations_mode=mode)


def _rules(value: Any) -> tuple[Rule, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(Rule(int(r["id"]), str(r["text"]), str(r.get("hint", ""))) for r in value
                 if isinstance(r, dict) and str(r.get("id", "")).isdigit() and r.get("text"))


def resolve(defaults: InstanceInfo, stored: dict[str, Any]) -> InstanceInfo:
    """The defaults with each stored key laid over; a malformed stored value is ignored."""
    info = defaults
    for key in ("title", "short_description", "description", "contact_email", "contact_username"):
        if isinstance(stored.get(key), str):
            info = replace(info, **{key: stored[key]})
    if "rules" in stored:
        info = replace(info, rules=_rules(stored["rules"]))
    if isinstance(stored.get("logo_path"), str) or stored.get("logo_path", "") is None:
        info = replace(info, logo_path=stored["logo_path"])
    low, high = MAX_CHARACTERS_RANGE
    if isinstance(stored.get("max_characters"), int) and low <= stored["max_characters"] <= high:
        info = replace(info, max_characters=stored["max_characters"])
    if stored.get("registrations_mode") in REGISTRATION_MODES:
        info = replace(info, registrations_mode=stored["registrations_mode"])
    if isinstance(stored.get("updated_at"), str):
        info = replace(info, updated_at=stored["updated_at"])
    if isinstance(stored.get("require_two_factor_staff"), bool):
        info = replace(info, require_two_factor_staff=stored["require_two_factor_staff"])
    return info


async def load_stored(session: AsyncSession) -> dict[str, Any]:
    rows = list(await session.scalars(select(InstanceSetting)))
    stored = {row.key: row.value for row in rows}
    if rows:
        stored["updated_at"] = max(row.updated_at for row in rows).isoformat()
    return stored


async def get_instance_info(session: AsyncSession, *, defaults: InstanceInfo) -> InstanceInfo:
    return resolve(defaults, await load_stored(session))


async def list_rules(session: AsyncSession) -> tuple[Rule, ...]:
    row = await session.get(InstanceSetting, "rules")
    return _rules(row.value) if row is not None else ()


async def list_rule_ids(session: AsyncSession) -> set[int]:
    """The rules a report may cite (none until the admin writes some)."""
    row = await session.get(InstanceSetting, "rules")
    return {rule.id for rule in _rules(row.value)} if row is not None else set()


@dataclass
class SettingsForm:
    title: str
    short_description: str
    description: str
    contact_email: str
    contact_username: str
    rules_text: str  # one rule a line
    max_characters: str
    registrations_mode: str
    logo_path: str | None = None  # a newly stored logo; None keeps the current one
    remove_logo: bool = False
    require_two_factor_staff: bool = False


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(f"{field.replace('_', ' ').capitalize()} can't be blank", field=field)
    if len(text) > limit:
        raise Invalid(f"{field.replace('_', ' ').capitalize()} is too long (maximum is {limit} characters)",
                      field=field)
    return text


def _max_characters(value: str) -> int:
    low, high = MAX_CHARACTERS_RANGE
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or not low <= int(text) <= high:
        raise Invalid(f"Character limit must be a whole number from {low} to {high}", field="max_characters")
    return int(text)


def _rule_rows(text: str, current: tuple[Rule, ...], next_id: int) -> tuple[list[dict[str, Any]], int]:
    """One rule a line; a rule whose text is unchanged keeps its id (reports cite rule ids)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > RULES_MAX:
        raise Invalid(f"At most {RULES_MAX} rules", field="rules")
    if any(len(line) > RULE_MAX for line in lines):
        raise Invalid(f"A rule is too long (maximum is {RULE_MAX} characters)", field="rules")
    by_text = {rule.text: rule.id for rule in current}
    next_id = max([next_id, *(rule.id + 1 for rule in current)])
    rows = []
    for line in lines:
        rule_id = by_text.pop(line, None)
        if rule_id is None:
            rule_id, next_id = next_id, next_id + 1
        rows.append({"id": rule_id, "text": line, "hint": ""})
    return rows, next_id


async def _checked_values(session: AsyncSession, form: SettingsForm, current: InstanceInfo,
                          stored: dict[str, Any]) -> dict[str, Any]:
    email = _text(form.contact_email, "contact_email", 320).lower()
    if email and not _EMAIL.fullmatch(email):
        raise Invalid("E-mail address is not valid", field="contact_email")
    username = _text(form.contact_username, "contact_username", 30).lstrip("@")
    if username and await session.scalar(select(Account.id).where(
            Account.acct_key == username.lower(), Account.domain.is_(None), Account.suspended_at.is_(None))) is None:
        raise Invalid("Contact account not found", field="contact_username")
    if form.registrations_mode not in REGISTRATION_MODES:
        raise Invalid("Registrations must be open, closed or by approval", field="registrations_mode")
    rules, next_id = _rule_rows(form.rules_text, current.rules, int(stored.get("rule_seq") or 1))
    values: dict[str, Any] = {
        "title": _text(form.title, "title", TITLE_MAX, required=True),
        "short_description": _text(form.short_description, "short_description", SHORT_DESCRIPTION_MAX),
        "description": _text(form.description, "description", DESCRIPTION_MAX),
        "contact_email": email, "contact_username": username, "rules": rules, "rule_seq": next_id,
        "max_characters": _max_characters(form.max_characters), "registrations_mode": form.registrations_mode,
        "require_two_factor_staff": bool(form.require_two_factor_staff),
    }
    if form.logo_path is not None or form.remove_logo:
        values["logo_path"] = form.logo_path
    return values


async def update_instance_settings(session: AsyncSession, *, actor: Account, form: SettingsForm,
                                   defaults: InstanceInfo, store: MediaStore | None = None) -> InstanceInfo:
    """Everything is checked before a row is written; a replaced logo's file goes by a job
    once this commits."""
    await require_admin(session, actor)
    stored = await load_stored(session)
    current = resolve(defaults, stored)
    values = await _checked_values(session, form, current, stored)
    changed = sorted(k for k, v in values.items() if stored.get(k, _MISSING) != v and k != "rule_seq")
    now = utcnow()
    rows = {row.key: row for row in await session.scalars(select(InstanceSetting))}
    for key, value in values.items():
        if key in rows:
            rows[key].value, rows[key].updated_at = value, now
        else:
            session.add(InstanceSetting(key=key, value=value, updated_at=now))
    await record_action(session, actor=actor, action="update_settings", details={"changed": changed})
    await session.flush()
    replaced = current.logo_path if "logo_path" in values and current.logo_path != values["logo_path"] else None
    if replaced and store is not None:
        await remove_files_later(session, store=store, keys=[replaced])
    return resolve(defaults, await load_stored(session))


_MISSING = object()


class _Database(Protocol):
    def read(self) -> Any: ...


class LiveInstanceSettings:
    """This process's copy of the instance settings, written onto its Settings object."""

    def __init__(self, db: _Database, settings: Any, *, ttl: float = 30.0) -> None:
        self.db = db
        self.settings = settings
        self.defaults = defaults_from(settings)
        self.info = self.defaults
        self.ttl = ttl
        self._checked = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def stale(self) -> bool:
        return time.monotonic() - self._checked > self.ttl

    async def current(self) -> InstanceInfo:
        if self.stale:
            async with self._lock:  # one reader refreshes; the others wait for its answer
                if self.stale:
                    await self.refresh()
        return self.info

    async def refresh(self) -> InstanceInfo:
        async with self.db.read() as session:
            self.use(await get_instance_info(session, defaults=self.defaults))
        return self.info

    def use(self, info: InstanceInfo) -> None:
        self.info = info
        self._checked = time.monotonic()
        s = self.settings
        s.instance_title, s.instance_description, s.contact_email = info.title, info.short_description, \
            info.contact_email
        s.max_characters = info.max_characters
        s.registrations_open, s.approval_required = info.registrations_open, info.approval_required


def live_settings(extras: dict[str, Any], db: _Database, settings: Any) -> LiveInstanceSettings:
    """The process's LiveInstanceSettings, kept in the app context's extras."""
    live = extras.get(EXTRAS_KEY)
    if live is None:
        live = extras[EXTRAS_KEY] = LiveInstanceSettings(db, settings)
    return live


async def find_contact_account(session: AsyncSession, info: InstanceInfo) -> Account | None:
    """The account named in the settings, else the first admin (as before there were settings)."""
    from madang.models import User

    if info.contact_username:
        account = await session.scalar(select(Account).where(
            Account.acct_key == info.contact_username.lower(), Account.domain.is_(None),
            Account.suspended_at.is_(None)))
        if account is not None:
            return account
    return await session.scalar(select(Account).join(User, User.account_id == Account.id)
                                .where(User.admin.is_(True)).order_by(Account.id))

