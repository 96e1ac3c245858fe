"""What a case carries beyond its text, for the office's case page: where (the web form's or
the Open311 request's location), the category's attribute values by their descriptions, and
the photo's storage keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.models.desk import Case
from madang.models.open311 import Service, ServiceRequest


@dataclass
class CaseDetails:
    category_name: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (description, value shown)
    photo_url: str | None = None
    photo_small_url: str | None = None
    media_url: str | None = None  # an Open311 client's link to its own photo

    @property
    def empty(self) -> bool:
        return not (self.address or self.lat is not None or self.attributes or self.photo_url or self.media_url)


def _shown(definition: dict | None, value: object) -> str:
    names = {v["key"]: v["name"] for v in (definition or {}).get("values") or []}
    values = value if isinstance(value, list) else [value]
    return ", ".join(names.get(str(v), str(v)) for v in values)


async def case_details(session: AsyncSession, case: Case, *, url: Callable[[str], str]) -> CaseDetails:
    """``url`` turns a media store key into the address the page links to."""
    service = None
    if case.category:
        service = await session.scalar(select(Service).where(Service.organisation_id == case.organisation_id,
                                                             Service.service_code == case.category))
    details = CaseDetails(category_name=service.name if service else None, address=case.address, lat=case.lat,
                          long=case.long, photo_url=url(case.photo_key) if case.photo_key else None,
                          photo_small_url=url(case.photo_small_key) if case.photo_small_key else None)
    values = case.attribute_values or {}
    if case.channel == "open311":
        row = await session.get(ServiceRequest, case.id)
        if row is not None:
            details.address = row.address_string or row.address_id
            details.lat, details.long, details.media_url = row.lat, row.long, row.media_url
            values = row.attribute_values or {}
    definitions = {a["code"]: a for a in (service.attributes if service else [])}
    details.attributes = [((definitions.get(code) or {}).get("description") or code, _shown(definitions.get(code), v))
                          for code, v in values.items()]
    return details
