"""Open311 service requests: a request becomes a desk case (with its Open311 row, in one
transaction), and what GeoReport's public GET answers may show of it (masked, no requester)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.desk.cases import DESCRIPTION_LIMIT, open_open311_case
from madang.desk.open311_throttle import check_key_rate
from madang.desk.privacy import public_description, public_text
from madang.desk.services import (  # noqa: F401  (parse_datetime: the Open311 surface's import)
    check_attribute_values, check_location, department_names, find_service, find_valid_api_key, parse_datetime,
)
from madang.models import Account
from madang.models.desk import Case, CaseEvent, Department
from madang.models.open311 import Service, ServiceRequest
from madang.statuses.create import Site
from madang.text.normalizing import normalize
from madang.core.ids import parse_id_text

CLOSED = ("answered", "closed", "merged")
MAX_ROWS = 1000
MAX_SPAN = timedelta(days=90)
# FixMyStreet's richer statuses for servicerequestupdates.
UPDATE_STATUS = {
    "received": "open", "assigned": "investigating", "in_progress": "in_progress",
    "waiting_for_citizen": "investigating", "transferred": "investigating", "answered": "closed",
    "closed": "closed", "merged": "duplicate",
}
# The history's public face: the action, never the staff note (it may name people or reasons).
UPDATE_TEXT = {
    "opened": "접수되었습니다", "assign": "담당자가 배정되었습니다", "start": "처리를 시작했습니다",
    "ask_citizen": "보완 자료를 요청했습니다", "citizen_replied": "보완 자료를 받았습니다",
    "close": "종결되었습니다", "transfer": "담당 부서가 바뀌었습니다", "merge": "같은 내용의 민원과 병합되었습니다",
    "extend": "처리 기한이 연장되었습니다",
}


@dataclass
class RequestView:
    case: Case
    request: ServiceRequest
    service: Service
    department_name: str | None

    @property
    def status(self) -> str:
        return open_or_closed(self.case)

    @property
    def status_notes(self) -> str | None:
        return status_notes(self.case)

    @property
    def description(self) -> str:
        return public_description(self.case)


def open_or_closed(case: Case) -> str:
    return "closed" if case.status in CLOSED else "open"


def status_notes(case: Case) -> str | None:
    """The public answer, as masked when it was written (desk.answers): masking it again on
    every read cost a masking per row of a list of up to 1,000, and would star the contacts the
    organisation publishes, which the answer keeps."""
    if case.answer_public:
        return case.answer_public
    if case.status == "merged":
        return UPDATE_TEXT["merge"]
    return None


# --- creating --------------------------------------------------------------------------------


def _text(value: str | None, limit: int, field: str) -> str | None:
    value = normalize(value or "").strip()
    if len(value) > limit:
        raise Invalid(f"{field}은(는) {limit}자까지입니다", field=field)
    return value or None


def _media_url(value: str | None) -> str | None:
    value = _text(value, 2000, "media_url")
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid("media_url은 http(s) 주소여야 합니다", field="media_url")
    return value


async def create_request(
    session: AsyncSession, *, site: Site, api_key: str | None, service_code: str | None,
    description: str | None = None, lat: str | None = None, long: str | None = None,
    address_string: str | None = None, address_id: str | None = None, email: str | None = None,
    first_name: str | None = None, last_name: str | None = None, phone: str | None = None,
    media_url: str | None = None, device_id: str | None = None, account_id: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> RequestView:
    """Checks everything first (key, service, location, attributes), then opens the case and
    writes its Open311 row; a refusal writes nothing."""
    key = await find_valid_api_key(session, api_key)
    if key is None:
        raise Forbidden("api_key가 없거나 올바르지 않습니다")
    await check_key_rate(session, key)
    if not (service_code or "").strip():
        raise Invalid("service_code가 필요합니다", field="service_code")
    service = await find_service(session, service_code.strip())
    if service is None:
        # GeoReport v2: 404 for a service_code that does not exist, 400 for one not given.
        raise NotFound(f"service_code {service_code}은(는) 없는 서비스입니다", field="service_code")
    address_id = _text(address_id, 100, "address_id")
    latitude, longitude, address_string = check_location(lat, long, address_string, required=not address_id)
    values = check_attribute_values(service, attributes or {})
    email = _text(email, 320, "email")
    if email is not None and ("@" not in email or " " in email):
        raise Invalid("email 주소가 올바르지 않습니다", field="email")
    first_name, last_name = _text(first_name, 100, "first_name"), _text(last_name, 100, "last_name")
    media = _media_url(media_url)
    device_id, account_id = _text(device_id, 200, "device_id"), _text(account_id, 200, "account_id")
    text = _text(description, DESCRIPTION_LIMIT, "description") or service.name
    organisation = await session.get(Account, service.organisation_id)
    department = await session.get(Department, service.department_id) if service.department_id else None
    if department is not None and not department.active:
        department = None  # a retired department's service still takes requests: triage routes them
    name = " ".join(p for p in (last_name, first_name) if p) or None  # Korean order: family name first
    case = await open_open311_case(
        session, site=site, organisation=organisation, category=service.service_code, description=text,
        department=department, guest_name=name, guest_email=email, guest_phone=_text(phone, 40, "phone"))
    row = ServiceRequest(
        case_id=case.id, service_id=service.id, api_key_id=key.id, token=secrets.token_urlsafe(16),
        lat=latitude, long=longitude, address_string=address_string, address_id=address_id, media_url=media,
        first_name=first_name, last_name=last_name, device_id=device_id, account_id=account_id,
        attribute_values=values, requested_at=case.received_at)
    if address_string:
        # An address typed by a citizen may carry a phone number ("… 앞, 연락 010-…"): masked once, here.
        row.address_public = await public_text(session, organisation_id=organisation.id, text=address_string)
    session.add(row)
    await session.flush()
    return RequestView(case, row, service, department.name if department else None)


# --- reading ---------------------------------------------------------------------------------


def _query():
    return (select(Case, ServiceRequest, Service).join(ServiceRequest, ServiceRequest.case_id == Case.id)
            .join(Service, Service.id == ServiceRequest.service_id))


async def _views(session: AsyncSession, rows: Sequence[Any]) -> list[RequestView]:
    names = await department_names(session, {c.department_id for c, _, _ in rows if c.department_id})
    return [RequestView(c, r, s, names.get(c.department_id) if c.department_id else None) for c, r, s in rows]


def _request_id(value: str) -> int | None:
    value = value.strip()
    return parse_id_text(value)


async def get_request(session: AsyncSession, service_request_id: str) -> RequestView:
    case_id = _request_id(service_request_id)
    rows = (await session.execute(_query().where(Case.id == case_id))).all() if case_id is not None else []
    if not rows:
        raise NotFound(f"service_request_id {service_request_id}인 요청이 없습니다", field="service_request_id")
    return (await _views(session, rows))[0]


async def get_request_by_token(session: AsyncSession, token: str) -> RequestView:
    rows = (await session.execute(_query().where(ServiceRequest.token == token))).all()
    if not rows:
        raise NotFound("그런 token이 없습니다", field="token")
    return (await _views(session, rows))[0]


def date_window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """Open311's window: the last 90 days by default, never more than 90 days."""
    if start is None and end is None:
        end = utcnow()
    if end is None:
        end = start + MAX_SPAN
    if start is None:
        start = end - MAX_SPAN
    if start > end:
        raise Invalid("start_date가 end_date보다 늦습니다", field="start_date")
    if end - start > MAX_SPAN:
        raise Invalid("start_date와 end_date 사이는 90일을 넘을 수 없습니다", field="end_date")
    return start, end


async def list_requests(
    session: AsyncSession, *, service_request_ids: Sequence[str] = (), service_codes: Sequence[str] = (),
    start: datetime | None = None, end: datetime | None = None, statuses: Sequence[str] = (),
) -> list[RequestView]:
    """Newest first, at most 1000. Ids, when given, override every other filter (the spec)."""
    for status in statuses:
        if status not in ("open", "closed"):
            raise Invalid("status는 open 또는 closed입니다", field="status")
    query = _query()
    if service_request_ids:
        ids = [i for i in (_request_id(v) for v in service_request_ids) if i is not None]
        query = query.where(Case.id.in_(ids))
    else:
        start, end = date_window(start, end)
        query = query.where(ServiceRequest.requested_at >= start, ServiceRequest.requested_at <= end)
        if service_codes:
            query = query.where(Service.service_code.in_(list(service_codes)))
        if set(statuses) == {"closed"}:
            query = query.where(Case.status.in_(CLOSED))
        elif set(statuses) == {"open"}:
            query = query.where(Case.status.not_in(CLOSED))
    rows = (await session.execute(query.order_by(ServiceRequest.requested_at.desc(), Case.id.desc())
                                  .limit(MAX_ROWS))).all()
    return await _views(session, rows)


@dataclass
class RequestUpdate:
    event: CaseEvent
    view: RequestView

    @property
    def status(self) -> str:
        return UPDATE_STATUS.get(self.event.to_status or "", "open")

    @property
    def description(self) -> str:
        if self.event.action == "answer":
            return status_notes(self.view.case) or ""
        return UPDATE_TEXT.get(self.event.action, "")


async def list_updates(session: AsyncSession, *, start: datetime | None = None,
                       end: datetime | None = None) -> list[RequestUpdate]:
    """FixMyStreet's servicerequestupdates: the history of Open311 requests, oldest first."""
    start, end = date_window(start, end)
    public = tuple(UPDATE_TEXT) + ("answer",)
    events = list(await session.scalars(
        select(CaseEvent).join(ServiceRequest, ServiceRequest.case_id == CaseEvent.case_id)
        .where(CaseEvent.at >= start, CaseEvent.at <= end, CaseEvent.action.in_(public))
        .order_by(CaseEvent.at, CaseEvent.id).limit(MAX_ROWS)))
    if not events:
        return []
    rows = (await session.execute(_query().where(Case.id.in_({e.case_id for e in events})))).all()
    views = {v.case.id: v for v in await _views(session, rows)}
    return [RequestUpdate(e, views[e.case_id]) for e in events]
