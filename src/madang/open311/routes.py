"""The GeoReport v2 endpoints under /open311/v2/, each as .xml and .json. GET answers are
public; POST requests needs an API key. Every refusal is the spec's error list, and changes
nothing (the write unit rolls back on any error)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import DomainError, NotFound
from madang.desk import open311_requests as requests_
from madang.desk import services
from madang.open311 import serializers as out
from madang.open311.formats import FORMATS, domain_error, error, render
from madang.runtime import ctx_of
from madang.statuses.create import Site

PREFIX = "/open311/v2"
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+09:00"  # when the endpoints below last changed shape
router = APIRouter(prefix=PREFIX)
Handler = Callable[[Request, str], Awaitable[Response]]
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(ctx_of(request).settings.time_zone)


def _site(request: Request) -> Site:
    return Site.of(ctx_of(request).settings)


def _check_jurisdiction(request: Request, params: QueryParams | FormData) -> None:
    jurisdiction = params.get("jurisdiction_id") or request.query_params.get("jurisdiction_id")
    if jurisdiction and str(jurisdiction).strip().lower() != ctx_of(request).settings.public_host.lower():
        raise NotFound(f"jurisdiction_id {jurisdiction}은(는) 이 서버가 맡지 않습니다", field="jurisdiction_id")


def endpoint(handler: Handler) -> Callable[[Request, str], Awaitable[Response]]:
    """The format check, the jurisdiction check and the mapping of refusals to the spec's errors."""

    async def run(request: Request, fmt: str) -> Response:
        if fmt not in FORMATS:
            return error("xml", 404, f"형식 .{fmt}은(는) 지원하지 않습니다 (xml, json)")
        try:
            _check_jurisdiction(request, request.query_params)
            return await handler(request, fmt)
        except DomainError as exc:
            return domain_error(fmt, exc)

    run.__name__ = handler.__name__
    return run


def _dates(request: Request, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    q = request.query_params
    start = requests_.parse_datetime(q["start_date"], "start_date", zone) if q.get("start_date") else None
    end = requests_.parse_datetime(q["end_date"], "end_date", zone) if q.get("end_date") else None
    return start, end


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@router.get("/discovery.{fmt}")
@endpoint
async def discovery(request: Request, fmt: str) -> Response:
    s = ctx_of(request).settings
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": f"{s.public_host} 민원 창구 — {s.base_url}",
        "key_service": "서버 관리자가 `madang open311 keys create 이름`으로 API 키를 발급합니다",
        "endpoints": [{"specification": SPEC, "url": f"{s.base_url}{PREFIX}", "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


@router.get("/services.{fmt}")
@endpoint
async def list_services(request: Request, fmt: str) -> Response:
    async with ctx_of(request).db.read() as session:
        rows = await services.list_services(session)
    return render(fmt, "services", [out.service_json(s) for s in rows])


@router.get("/services/{code}.{fmt}")
async def service_definition(request: Request, code: str, fmt: str) -> Response:
    async def handler(request: Request, fmt: str) -> Response:
        async with ctx_of(request).db.read() as session:
            service = await services.get_service(session, code)
        return render(fmt, "service_definition", out.definition_json(service))

    return await endpoint(handler)(request, fmt)


def _attributes(form: FormData) -> dict[str, Any]:
    """attribute[code]=v, and attribute[code][]=v1&attribute[code][]=v2 for multivaluelist."""
    values: dict[str, Any] = {}
    for name in set(form.keys()):
        match = ATTRIBUTE.match(name)
        if match is None:
            continue
        given = [str(v) for v in form.getlist(name)]
        values[match.group(1)] = given if match.group(2) or len(given) > 1 else given[0]
    return values


@router.post("/requests.{fmt}")
@endpoint
async def create_request(request: Request, fmt: str) -> Response:
    form = await request.form()
    _check_jurisdiction(request, form)
    fields = {name: _field(form, name) for name in (
        "description", "lat", "long", "address_string", "address_id", "email", "first_name", "last_name",
        "phone", "media_url", "device_id", "account_id")}
    async with ctx_of(request).db.write() as session:
        view = await requests_.create_request(
            session, site=_site(request), api_key=_field(form, "api_key") or request.query_params.get("api_key"),
            service_code=_field(form, "service_code"), attributes=_attributes(form), **fields)
    return render(fmt, "service_requests", [out.created_json(view)], 201)


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


@router.get("/tokens/{token}.{fmt}")
async def token(request: Request, token: str, fmt: str) -> Response:
    async def handler(request: Request, fmt: str) -> Response:
        async with ctx_of(request).db.read() as session:
            view = await requests_.get_request_by_token(session, token)
        return render(fmt, "service_requests", [{"service_request_id": str(view.case.id), "token": token}])

    return await endpoint(handler)(request, fmt)


@router.get("/requests.{fmt}")
@endpoint
async def list_requests(request: Request, fmt: str) -> Response:
    zone = _zone(request)
    q = request.query_params
    start, end = _dates(request, zone)
    async with ctx_of(request).db.read() as session:
        views = await requests_.list_requests(
            session, service_request_ids=_list(q.get("service_request_id")),
            service_codes=_list(q.get("service_code")), start=start, end=end, statuses=_list(q.get("status")))
    return render(fmt, "service_requests", [out.request_json(v, zone) for v in views])


@router.get("/requests/{request_id}.{fmt}")
async def get_request(request: Request, request_id: str, fmt: str) -> Response:
    async def handler(request: Request, fmt: str) -> Response:
        async with ctx_of(request).db.read() as session:
            view = await requests_.get_request(session, request_id)
        return render(fmt, "service_requests", [out.request_json(view, _zone(request))])

    return await endpoint(handler)(request, fmt)


@router.get("/servicerequestupdates.{fmt}")
@endpoint
async def request_updates(request: Request, fmt: str) -> Response:
    """FixMyStreet's extension: the public history of Open311 requests between two dates."""
    zone = _zone(request)
    start, end = _dates(request, zone)
    async with ctx_of(request).db.read() as session:
        updates = await requests_.list_updates(session, start=start, end=end)
    return render(fmt, "service_request_updates", [out.update_json(u, zone) for u in updates])
