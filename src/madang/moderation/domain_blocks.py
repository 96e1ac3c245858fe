"""Domain blocks against remote servers (decision 0039): the instance's, kept by its admins
(Mastodon's admin domain blocks).

A block of ``example.com`` covers ``a.example.com``. Domains are kept as Mastodon keeps them:
lower case, internationalised names in their ASCII (punycode) form, so ``한국.kr`` and
``xn--3e0b707e.kr`` are one domain, as remote accounts' ``domain`` is stored.

Instance blocks act at once on what is stored: ``suspend`` suspends the domain's accounts (their
posts leave every view, as an account suspension does) and severs every follow and follow request
between them and local accounts, both ways; ``silence`` limits them. Both are marked with the
block's ``created_at``, as Mastodon marks them, so lifting or softening the block lifts exactly
what it imposed; severed follows are not restored. The inbox and delivery ask
``is_domain_suspended`` / ``domain_block_for`` before they store or send anything.

Changing the instance's blocks is for admins only (checked here, once) and each change is a row
in the audit log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import idna
from sqlalchemy import ColumnElement, delete, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.follows import remove_follow
from madang.core.clock import utcnow
from madang.core.errors import Conflict, Invalid, NotFound
from madang.db.after_commit import forget_after_commit
from madang.db.paging import Page, fetch_page
from madang.models import Account, DomainBlock, Follow, FollowRequest, HomeFeedEntry, Status
from madang.models.moderation_admin import InstanceSetting
from madang.moderation.audit import REASON_MAX, record_action
from madang.moderation.permissions import require_admin

SEVERITIES = ("noop", "silence", "suspend")
_STRENGTH = {"noop": 0, "silence": 1, "suspend": 2}
DOMAIN_MAX = 253
COMMENT_MAX = REASON_MAX

DOMAIN_BLANK = "Domain can't be blank"
DOMAIN_INVALID = "Domain is not valid"
DOMAIN_TOO_LONG = f"Domain is too long (maximum is {DOMAIN_MAX} characters)"
ALREADY_BLOCKED = "This domain is already blocked"
OWN_DOMAIN = "You cannot block this server's own domain"
SEVERITY_INVALID = "Severity must be one of noop, silence, suspend"

# Who sees GET /api/v1/instance/domain_blocks (Mastodon's "show domain blocks" setting).
VISIBILITY_KEY = "show_domain_blocks"
VISIBILITIES = ("all", "users", "disabled")
DEFAULT_VISIBILITY = "all"


# -- domains -----------------------------------------------------------------------------------

def normalise_domain(value: Any) -> str:
    """'  Spam.Example. ', '한국.kr' -> 'spam.example', 'xn--3e0b707e.kr'. A URL, an address, a
    wildcard, a port, a single label or anything else that is not a host name is refused."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(DOMAIN_BLANK, field="domain")
    text = value.strip().lower().rstrip(".")
    if len(text) > DOMAIN_MAX:
        raise Invalid(DOMAIN_TOO_LONG, field="domain")
    if not text or any(c in text for c in "/:@*?#%[]\\ \t\r\n") or "." not in text:
        raise Invalid(DOMAIN_INVALID, field="domain")
    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise Invalid(DOMAIN_INVALID, field="domain") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > DOMAIN_MAX:
        raise Invalid(DOMAIN_TOO_LONG, field="domain")
    if any(not label or len(label) > 63 for label in labels) or labels[-1].isdigit():
        raise Invalid(DOMAIN_INVALID, field="domain")  # an empty label, or an IPv4 address
    return ascii_name


def display_domain(domain: str) -> str:
    """The Unicode form for people ('xn--3e0b707e.kr' -> '한국.kr'); the stored form if it has none."""
    try:
        return idna.decode(domain)
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain


def _lenient(domain: str | None) -> str | None:
    """A remote domain as it came (from an actor id, a stored account): normalised, or None."""
    if not domain:
        return None
    try:
        return normalise_domain(domain.split(":", 1)[0])  # a port does not make another server
    except Invalid:
        return None


def _with_parents(domain: str) -> list[str]:
    """'a.b.example' -> ['a.b.example', 'b.example', 'example']."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def domain_digest(domain: str) -> str:
    return hashlib.sha256(domain.encode()).hexdigest()


def obfuscated(domain: str) -> str:
    """Mastodon's public_domain: the middle of the name starred, dots kept."""
    length = len(domain)
    visible = length // 4
    return "".join("*" if visible < i < length - visible and c != "." else c for i, c in enumerate(domain))


def _accounts_of(domain_column: Any, domain: Any) -> ColumnElement[bool]:
    """Remote accounts whose domain is ``domain`` or one of its subdomains."""
    return or_(domain_column == domain, domain_column.like(literal("%.") + domain))


def accounts_under(domain: str) -> ColumnElement[bool]:
    return _accounts_of(Account.domain, domain)


# -- the instance's blocks ---------------------------------------------------------------------

def _stricter(severity: str, reject_media: bool, reject_reports: bool, other: DomainBlock) -> bool:
    """Mastodon's DomainBlock#stricter_than?."""
    if severity == "suspend":
        return True
    if _STRENGTH[severity] < _STRENGTH[other.severity]:
        return False
    return (reject_media or not other.reject_media) and (reject_reports or not other.reject_reports)


def _severity(value: Any) -> str:
    if value not in SEVERITIES:
        raise Invalid(SEVERITY_INVALID, field="severity")
    return str(value)


def _comment(value: Any, field: str) -> str:
    text = ("" if value is None else str(value)).strip()
    if len(text) > COMMENT_MAX:
        raise Invalid(f"{field.replace('_', ' ').capitalize()} is too long (maximum is {COMMENT_MAX} characters)",
                      field=field)
    return text


async def domain_block_for(session: AsyncSession, domain: str | None) -> DomainBlock | None:
    """The block that applies to ``domain``: its own, else its nearest parent's."""
    value = _lenient(domain)
    if value is None:
        return None
    rows = list(await session.scalars(select(DomainBlock).where(DomainBlock.domain.in_(_with_parents(value)))))
    return max(rows, key=lambda b: len(b.domain), default=None)


# The suspended domains are kept per process for the inbox's hot path (every activity is
# checked; madang.federation.domain_policy holds the copy in the Database's session_info under
# this key): every change made through this module empties it, and it is read again after 2 s
# for changes made by other processes.
BLOCKS_CACHE = "moderation.domain_blocks.suspended"
CACHE_SECONDS = 2.0


def forget_cached_blocks(session: AsyncSession) -> None:
    forget_after_commit(session, session.info.get(BLOCKS_CACHE))


async def load_suspended_domains(session: AsyncSession) -> frozenset[str]:
    """Every suspended domain (a small set)."""
    return frozenset(await session.scalars(select(DomainBlock.domain).where(DomainBlock.severity == "suspend")))


def covered_by(domains: frozenset[str], domain: str | None) -> bool:
    """Whether ``domain`` or a parent of it is in ``domains``."""
    value = _lenient(domain)
    return value is not None and bool(domains) and any(d in domains for d in _with_parents(value))


async def is_domain_suspended(session: AsyncSession, domain: str | None) -> bool:
    """For the inbox and delivery: nothing is taken from, fetched from or sent to this domain."""
    block = await domain_block_for(session, domain)
    return block is not None and block.severity == "suspend"


async def _apply(session: AsyncSession, block: DomainBlock, *, before: str | None) -> None:
    """What the block does to the stored accounts of its domain; ``before``: the severity it
    had (None for a new block, "noop" for one being lifted)."""
    forget_cached_blocks(session)
    marker = block.created_at
    scope = accounts_under(block.domain)
    if before == "silence" and block.severity != "silence":
        await session.execute(update(Account).where(scope, Account.limited_at == marker).values(limited_at=None)
                              .execution_options(synchronize_session=False))
    if before == "suspend" and block.severity != "suspend":
        await session.execute(update(Account).where(scope, Account.suspended_at == marker)
                              .values(suspended_at=None).execution_options(synchronize_session=False))
    if block.severity == "silence" and before != "silence":
        await session.execute(update(Account).where(scope, Account.limited_at.is_(None)).values(limited_at=marker)
                              .execution_options(synchronize_session=False))
    if block.severity == "suspend" and before != "suspend":
        await _suspend_accounts(session, block.domain, marker)


async def _suspend_accounts(session: AsyncSession, domain: str, marker: datetime) -> None:
    remote = select(Account.id).where(accounts_under(domain))
    await sever_follows(session, domain)
    await session.execute(update(Account).where(accounts_under(domain), Account.suspended_at.is_(None))
                          .values(suspended_at=marker).execution_options(synchronize_session=False))
    # Out of local home feeds now, as an account suspension does: their posts and boosts.
    await session.execute(delete(HomeFeedEntry).where(
        HomeFeedEntry.author_id.in_(remote)
        | HomeFeedEntry.status_id.in_(select(Status.id).where(Status.account_id.in_(remote))))
        .execution_options(synchronize_session=False))


async def sever_follows(session: AsyncSession, domain: str) -> int:
    """Every follow between an account of ``domain`` (or a subdomain) and a local account ends,
    both ways, with the counts; pending follow requests either way are dropped. Returns how many
    follows ended."""
    remote = select(Account.id).where(accounts_under(domain))
    pairs = list(await session.execute(select(Follow.account_id, Follow.target_account_id).where(
        or_(Follow.account_id.in_(remote), Follow.target_account_id.in_(remote)))))
    accounts: dict[int, Account] = {}
    ids = {i for pair in pairs for i in pair}
    if ids:
        accounts = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    for follower_id, target_id in pairs:
        await remove_follow(session, follower=accounts[follower_id], target=accounts[target_id])
    await session.execute(delete(FollowRequest).where(
        or_(FollowRequest.account_id.in_(remote), FollowRequest.target_account_id.in_(remote)))
        .execution_options(synchronize_session=False))
    return len(pairs)


def _details(block: DomainBlock) -> dict[str, Any]:
    return {"domain": block.domain, "severity": block.severity, "reject_media": block.reject_media,
            "reject_reports": block.reject_reports, "obfuscate": block.obfuscate}


async def block_domain(
    session: AsyncSession, *, actor: Account, domain: Any, severity: Any = "silence", reject_media: bool = False,
    reject_reports: bool = False, public_comment: Any = "", private_comment: Any = "", obfuscate: bool = False,
    local_domain: str | None = None,
) -> DomainBlock:
    """A new block (Mastodon's default severity is silence). Refused when the domain is blocked
    already, or when a block of a parent domain is at least as strict (Mastodon's rule)."""
    await require_admin(session, actor)
    value = normalise_domain(domain)
    level = _severity(severity)
    public, private = _comment(public_comment, "public_comment"), _comment(private_comment, "private_comment")
    if local_domain and value in _with_parents(_lenient(local_domain) or local_domain):
        raise Invalid(OWN_DOMAIN, field="domain")
    existing = await domain_block_for(session, value)
    if existing is not None and existing.domain == value:
        raise Conflict(ALREADY_BLOCKED, field="domain")
    if existing is not None and not _stricter(level, bool(reject_media), bool(reject_reports), existing):
        raise Conflict(f"A block of {existing.domain} is already at least as strict", field="domain")
    block = DomainBlock(domain=value, severity=level, reject_media=bool(reject_media),
                        reject_reports=bool(reject_reports), public_comment=public, private_comment=private,
                        obfuscate=bool(obfuscate), created_at=utcnow())
    try:
        async with session.begin_nested():  # a concurrent block of the same domain
            session.add(block)
    except IntegrityError:
        raise Conflict(ALREADY_BLOCKED, field="domain") from None
    await _apply(session, block, before=None)
    await record_action(session, actor=actor, action="block_domain", reason=private, details=_details(block))
    return block


async def _block(session: AsyncSession, block_id: int) -> DomainBlock:
    block = await session.get(DomainBlock, block_id)
    if block is None:
        raise NotFound("Record not found")
    return block


async def get_domain_block(session: AsyncSession, *, actor: Account, block_id: int) -> DomainBlock:
    await require_admin(session, actor)
    return await _block(session, block_id)


UNCHANGED: Any = object()  # an update leaves this field as it is


async def update_domain_block(
    session: AsyncSession, *, actor: Account, block_id: int, severity: Any = UNCHANGED, reject_media: Any = UNCHANGED,
    reject_reports: Any = UNCHANGED, public_comment: Any = UNCHANGED, private_comment: Any = UNCHANGED,
    obfuscate: Any = UNCHANGED,
) -> DomainBlock:
    """Changes what is given (the domain itself stays: a new domain is a new block)."""
    await require_admin(session, actor)
    block = await _block(session, block_id)
    level = block.severity if severity is UNCHANGED else _severity(severity)
    public = block.public_comment if public_comment is UNCHANGED else _comment(public_comment, "public_comment")
    private = block.private_comment if private_comment is UNCHANGED else _comment(private_comment, "private_comment")
    before = block.severity
    block.severity, block.public_comment, block.private_comment = level, public, private
    for name, value in (("reject_media", reject_media), ("reject_reports", reject_reports), ("obfuscate", obfuscate)):
        if value is not UNCHANGED:
            setattr(block, name, bool(value))
    await _apply(session, block, before=before)
    details = _details(block) | {"severity_before": before}
    await record_action(session, actor=actor, action="update_domain_block", reason=private, details=details)
    await session.flush()
    return block


async def unblock_domain(session: AsyncSession, *, actor: Account, block_id: int) -> str:
    """The block goes and what it imposed on the domain's accounts is lifted; severed follows
    stay severed (as Mastodon). Returns the domain."""
    await require_admin(session, actor)
    block = await _block(session, block_id)
    before, domain = block.severity, block.domain
    block.severity = "noop"
    await _apply(session, block, before=before)
    await session.execute(delete(DomainBlock).where(DomainBlock.id == block.id))
    session.expunge(block)
    await record_action(session, actor=actor, action="unblock_domain", details={"domain": domain, "severity": before})
    return domain


async def list_domain_blocks(session: AsyncSession, *, actor: Account, page: Page | None = None) -> list[DomainBlock]:
    """Newest first, a page at a time (the admin API's cursors); all of them without a page."""
    await require_admin(session, actor)
    if page is None:
        return list(await session.scalars(select(DomainBlock).order_by(DomainBlock.domain)))
    return await fetch_page(session, select(DomainBlock), DomainBlock.id, page)


# -- the public list -------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicDomainBlock:
    domain: str  # starred in the middle when the block is obfuscated
    digest: str  # SHA-256 hex of the real domain, so other servers can compare lists
    severity: str  # silence | suspend
    comment: str


async def public_list_visibility(session: AsyncSession) -> str:
    row = await session.get(InstanceSetting, VISIBILITY_KEY)
    return row.value if row is not None and row.value in VISIBILITIES else DEFAULT_VISIBILITY


async def set_public_list_visibility(session: AsyncSession, *, actor: Account, value: Any) -> str:
    await require_admin(session, actor)
    if value not in VISIBILITIES:
        raise Invalid("Visibility must be one of all, users, disabled", field=VISIBILITY_KEY)
    row = await session.get(InstanceSetting, VISIBILITY_KEY)
    if row is not None and row.value == value:
        return str(value)
    if row is None:
        session.add(InstanceSetting(key=VISIBILITY_KEY, value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()
    await record_action(session, actor=actor, action="update_settings",
                        details={"changed": [VISIBILITY_KEY], VISIBILITY_KEY: value})
    return str(value)


async def list_public_domain_blocks(session: AsyncSession, *, signed_in: bool) -> list[PublicDomainBlock] | None:
    """What GET /api/v1/instance/domain_blocks shows this reader; None when it is not shown to
    them (the setting: everyone, signed-in users, nobody). Silenced and suspended domains only."""
    visibility = await public_list_visibility(session)
    if visibility == "disabled" or (visibility == "users" and not signed_in):
        return None
    rows = await session.scalars(select(DomainBlock).where(DomainBlock.severity.in_(("silence", "suspend")))
                                 .order_by(DomainBlock.severity, DomainBlock.domain))
    return [PublicDomainBlock(domain=obfuscated(b.domain) if b.obfuscate else b.domain, digest=domain_digest(b.domain),
                              severity=b.severity, comment=b.public_comment) for b in rows]
