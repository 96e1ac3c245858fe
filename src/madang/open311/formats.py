"""GeoReport's two formats from one shape: XML (required by the spec, built with xml.etree) and
JSON (collections as top-level arrays), and the spec's error list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response

from madang.core.errors import DomainError, Forbidden, NotFound, RateLimited
from madang.text.normalizing import xml_safe

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

# xml.etree is imported when a reply is written in XML (idle memory has a budget).

FORMATS = ("xml", "json")
# The element name of one item of each list-valued field (spec: services/service, values/value, …).
ITEM_NAMES = {
    "services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
    "errors": "error", "endpoints": "endpoint", "formats": "format",
    "service_request_updates": "request_update",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    from xml.etree.ElementTree import SubElement

    if isinstance(value, dict):
        for name, child in value.items():
            _fill(SubElement(element, name), child)
    elif isinstance(value, list):
        item = ITEM_NAMES[element.tag]
        for child in value:
            _fill(SubElement(element, item), child)
    elif value is not None:
        # Rows written before intake removed control characters still hold them.
        element.text = xml_safe(_text(value))


def to_xml(root: str, value: Any) -> bytes:
    import xml.etree.ElementTree as ET

    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt: str, root: str, value: Any, status_code: int = 200) -> Response:
    """``root`` names the XML root (``services``, ``service_requests``, …); a list value is a
    JSON top-level array and XML items named by ITEM_NAMES[root]."""
    if fmt == "json":
        return Response(orjson.dumps(value), status_code=status_code, media_type="application/json; charset=utf-8")
    return Response(to_xml(root, value), status_code=status_code, media_type="text/xml; charset=utf-8")


def error(fmt: str, code: int, description: str) -> Response:
    return render(fmt if fmt in FORMATS else "xml", "errors", [{"code": code, "description": description}], code)


def domain_error(fmt: str, exc: DomainError) -> Response:
    code = (404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden)
            else 429 if isinstance(exc, RateLimited) else 400)
    return error(fmt, code, exc.message)
