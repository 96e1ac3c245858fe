"""What an export covers: who may export, which posts and history a scope names, and the range
of Seoul days turned into UTC instants.

Records are an organisation's: its own account (and organisation accounts on its staff, such as a
department's), a hashtag's public posts plus the organisation's own posts under it, or one desk
case. A citizen's personal account is never a scope: an office admin cannot export a citizen's
direct messages, and a citizen's deleted posts stay out of a hashtag's export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Forbidden, Invalid, NotFound
from madang.desk.cases import find_case_by_number
from madang.desk.organisations import ADMIN, INSTANCE_ADMIN, get_organisation, require_role
from madang.models import Account, Mention, Status, StatusTag, Tag, User
from madang.models.desk import Case, InboxItem, StaffMember
from madang.models.records import SCOPE_KINDS
from madang.text.tags import normalize_tag

MAX_VALUE = 200


@dataclass(frozen=True)
class Scope:
    kind: str  # account | tag | case
    value: str  # a username, a hashtag (without #) or a case number


@dataclass
class Plan:
    """A checked scope: the conditions that select its posts (one pass each, keyset-paged)."""

    scope: Scope
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    passes: list[tuple[str, ColumnElement[bool]]] = field(default_factory=list)  # (record kind, condition)
    case: Case | None = None


# Who may export an organisation's records (what a refusal names).
EXPORTERS = (*ADMIN, INSTANCE_ADMIN)


async def require_exporter(session: AsyncSession, *, organisation: Account, actor: Account) -> None:
    """The organisation's office admins, and the instance's admins, export its records."""
    if await session.scalar(select(User.admin).where(User.account_id == actor.id)):
        return
    try:
        await require_role(session, organisation_id=organisation.id, account=actor, roles=ADMIN)
    except Forbidden as exc:
        raise Forbidden(f"{exc.message} (또는 서버 관리자)", needs=EXPORTERS) from None


async def exporting_organisation(session: AsyncSession, *, actor: Account, name: str | None) -> Account:
    """The organisation ``actor`` exports for: ``name`` when given, else the first organisation
    where they are an office admin. Forbidden for anyone who may not export its records."""
    if name:
        organisation = await get_organisation(session, name)
    else:
        organisation = await session.scalar(
            select(Account).join(StaffMember, StaffMember.organisation_id == Account.id)
            .where(StaffMember.account_id == actor.id, StaffMember.role.in_(ADMIN)).order_by(StaffMember.id).limit(1))
        if organisation is None:
            raise Forbidden("기록을 내보낼 수 있는 기관이 없습니다", needs=EXPORTERS)
    await require_exporter(session, organisation=organisation, actor=actor)
    return organisation


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from is None:
        raise Invalid("시작일을 입력해 주세요", field="from")
    if date_to is None:
        raise Invalid("종료일을 입력해 주세요", field="to")
    if date_from > date_to:
        raise Invalid("종료일이 시작일보다 빠릅니다", field="to")


def seoul_bounds(date_from: date, date_to: date, time_zone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone)
    start = datetime.combine(date_from, time(0), tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def check_scope(kind: str, value: str) -> Scope:
    value = (value or "").strip()
    if kind not in SCOPE_KINDS:
        raise Invalid("내보낼 범위는 계정, 해시태그, 민원 중 하나입니다", field="scope")
    if kind == "account":
        value = value.lstrip("@")
    elif kind == "tag":
        value = value.lstrip("#＃")
    if not value:
        raise Invalid("내보낼 계정, 해시태그 또는 민원 번호를 입력해 주세요", field="value")
    if len(value) > MAX_VALUE:
        raise Invalid("입력한 값이 너무 깁니다", field="value")
    return Scope(kind, value)


async def plan_export(
    session: AsyncSession, *, organisation: Account, scope: Scope, date_from: date | None, date_to: date | None,
    time_zone: str = "Asia/Seoul",
) -> Plan:
    check_range(date_from, date_to)
    scope = check_scope(scope.kind, scope.value)
    start, end = seoul_bounds(date_from, date_to, time_zone)  # type: ignore[arg-type]
    plan = Plan(scope, start, end)
    in_range = and_(Status.created_at >= start, Status.created_at < end)
    if scope.kind == "account":
        account = await _record_account(session, organisation, scope.value)
        # Everything the account wrote (replies, direct messages, boosts, deleted posts), and the
        # direct messages it received: both sides of its correspondence are its records.
        received = select(Mention.status_id).where(Mention.account_id == account.id)
        plan.passes = [
            ("authored", and_(Status.account_id == account.id, in_range)),
            ("received", and_(Status.visibility == "direct", Status.account_id != account.id,
                              Status.id.in_(received), in_range)),
        ]
    elif scope.kind == "tag":
        tag_id = await session.scalar(select(Tag.id).where(Tag.key == normalize_tag(scope.value)))
        if tag_id is None:
            raise NotFound(f"#{scope.value} 해시태그가 쓰인 글이 없습니다", field="value")
        tagged = select(StatusTag.status_id).where(StatusTag.tag_id == tag_id)
        own = select(Account.id).where(or_(Account.id == organisation.id, Account.id.in_(_staff_organisations(organisation))))
        plan.passes = [("tagged", and_(Status.id.in_(tagged), in_range, Status.reblog_of_id.is_(None), or_(
            Status.account_id.in_(own),
            and_(Status.visibility.in_(("public", "unlisted")), Status.deleted_at.is_(None)))))]
    else:
        case = await find_case_by_number(session, organisation_id=organisation.id, number=scope.value)
        if case is None:
            raise NotFound(f"민원 {scope.value}이(가) 없습니다", field="value")
        plan.case = case
        ids = {i for i in (case.source_status_id, case.answer_status_id) if i is not None}
        ids |= set(await session.scalars(select(InboxItem.source_status_id).where(InboxItem.case_id == case.id)))
        plan.passes = [("case", and_(Status.id.in_(sorted(ids) or [0]), in_range))]
    return plan


def _staff_organisations(organisation: Account):  # type: ignore[no-untyped-def]
    return (select(StaffMember.account_id).join(Account, Account.id == StaffMember.account_id)
            .where(StaffMember.organisation_id == organisation.id, Account.organisation.is_(True)))


async def _record_account(session: AsyncSession, organisation: Account, username: str) -> Account:
    account = await session.scalar(select(Account).where(Account.acct_key == username.lower(),
                                                         Account.domain.is_(None)))
    if account is None:
        raise NotFound(f"@{username} 계정이 없습니다", field="value")
    if account.id == organisation.id:
        return account
    if account.organisation and await session.scalar(
            select(StaffMember.id).where(StaffMember.organisation_id == organisation.id,
                                         StaffMember.account_id == account.id)):
        return account
    raise Forbidden(f"@{username}은(는) 이 기관의 기록 대상 계정이 아닙니다")


__all__ = ["Plan", "Scope", "check_range", "check_scope", "exporting_organisation", "plan_export", "require_exporter",
           "seoul_bounds"]
