"""Services, service definitions, requests and updates in GeoReport v2's field names and order.
Only public, masked fields: never the requester's name, e-mail, phone or device."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from madang.desk.open311_requests import RequestUpdate, RequestView
from madang.models.open311 import Service


def when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO 8601 with the instance's offset (2026-03-03T10:00:00+09:00)."""
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def service_json(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code, "service_name": service.name, "description": service.description,
        "metadata": service.metadata_flag, "type": "realtime", "keywords": service.keywords,
        "group": service.group,
    }


def definition_json(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code,
        "attributes": [{
            "variable": True, "code": a["code"], "datatype": a["datatype"], "required": a["required"],
            "datatype_description": a.get("datatype_description") or "", "order": a["order"],
            "description": a["description"],
            "values": [{"key": v["key"], "name": v["name"]} for v in a["values"]],
        } for a in service.attributes],
    }


def request_json(view: RequestView, zone: ZoneInfo) -> dict[str, Any]:
    case, row, service = view.case, view.request, view.service
    return {
        "service_request_id": str(case.id),
        "status": view.status,
        "status_notes": view.status_notes,
        "service_name": service.name,
        "service_code": service.service_code,
        "description": view.description,
        "agency_responsible": view.department_name,
        "service_notice": service.notice or None,
        "requested_datetime": when(case.received_at, zone),
        "updated_datetime": when(case.updated_at, zone),
        "expected_datetime": when(case.due_at, zone),
        # Masked when the request was written (desk.open311_requests), not on every read.
        "address": row.address_public,
        "address_id": row.address_id,
        "zipcode": None,
        "lat": row.lat,
        "long": row.long,
        "media_url": row.media_url,
    }


def created_json(view: RequestView) -> dict[str, Any]:
    """The case exists once the POST answers, so its id is given; GeoReport v2 says a token
    "should not be returned if service_request_id is returned" (a token is for servers that
    create requests later). Tokens stored earlier still resolve at tokens/{token}."""
    return {"service_request_id": str(view.case.id), "service_notice": view.service.notice or None,
            "account_id": None}


def update_json(update: RequestUpdate, zone: ZoneInfo) -> dict[str, Any]:
    event = update.event
    return {
        "update_id": str(event.id),
        "service_request_id": str(event.case_id),
        "status": update.status,
        "updated_datetime": when(event.at, zone),
        "description": update.description,
        "media_url": None,
    }
