"""One parameter bag for every body encoding Mastodon clients send.

Clients post form-urlencoded, multipart, JSON, and parameters in the query string of a
POST (Ice Cubes, Mammoth); arrays arrive as ``k[]=a``, ``k[0]=a`` or JSON lists, nested
values as ``poll[options][]``. Everything is merged into one nested dict (body wins).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from madang.core.ids import MAX_ID, parse_id_text
from madang.mastodon_api.problems import BadRequest, PayloadTooLarge, UnprocessableEntity

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
MAX_JSON_BYTES = 1_000_000  # JSON and url-encoded bodies; files come as multipart
# No Mastodon parameter nests deeper than three or four levels (poll[options][], fields_attributes[0][name]).
MAX_DEPTH = 16
TRUE = {"true", "1", "on", "yes", "t"}
FALSE = {"false", "0", "off", "no", "f", ""}


def _has_path(node: Any, path: list[str]) -> bool:
    for seg in path:
        if seg == "":
            return False  # a nested "[]" appends: nothing there yet to clash with
        if not isinstance(node, dict) or seg not in node:
            return False
        node = node[seg]
    return True


def _insert(target: dict[str, Any], key: str, value: Any) -> None:
    m = _KEY.match(key)
    if not m:
        target[key] = value
        return
    path = [m.group(1)] + _SEGMENT.findall(m.group(2))
    if len(path) > MAX_DEPTH:
        raise BadRequest(f"Parameter {m.group(1)} is nested more than {MAX_DEPTH} levels deep")
    node: Any = target
    for i, seg in enumerate(path):
        last = i == len(path) - 1
        if seg == "":  # "[]": append
            if not isinstance(node, list):
                return  # a shape clash (k=1&k[]=2): the first shape wins
            if last:
                node.append(value)
                return
            # Rack's rule for k[][a]=1&k[][b]=2&k[][a]=3: fill the last element until a key
            # it already has comes again, then start the next one.
            if not node or not isinstance(node[-1], dict) or _has_path(node[-1], path[i + 1:]):
                node.append({})
            node = node[-1]
            continue
        if not isinstance(node, dict):
            return
        if last:
            node[seg] = value
            return
        nxt = path[i + 1]
        if seg not in node or not isinstance(node[seg], (dict, list)):
            node[seg] = [] if nxt == "" else {}
        node = node[seg]


def _check_depth(value: Any) -> None:
    """Walked without recursion, so a body nested a thousand levels is refused, not a RecursionError."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"Parameters are nested more than {MAX_DEPTH} levels deep")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _listify(value: Any) -> Any:
    """``{"0": a, "1": b}`` (masto.js multipart) becomes ``[a, b]``."""
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    elif isinstance(value, list):
        return [_listify(v) for v in value]
    return value


class Params:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or isinstance(value, (dict, list, UploadFile)):
            raise UnprocessableEntity(f"{name} must be a string", field=name)
        return str(value)

    def int(self, name: str, default: int | None = None, *, minimum: int | None = None,
            maximum: int | None = None, clamp: int | None = None) -> int | None:
        """``clamp``: a larger number is read as this one (Mastodon clamps limits)."""
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise BadRequest(f"{name} must be an integer")
        try:
            number = int(value)
        except ValueError:
            raise BadRequest(f"{name} must be an integer") from None
        if clamp is not None:
            number = min(number, clamp)
        if not -MAX_ID - 1 <= number <= MAX_ID:  # the database's integer: a larger one overflows the driver
            raise BadRequest(f"{name} is out of range")
        if minimum is not None and number < minimum:
            raise BadRequest(f"{name} must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise BadRequest(f"{name} must be at most {maximum}")
        return number

    def limit(self, default: int, maximum: int) -> int:
        """Mastodon clamps an over-large limit (clients ask for 100 where 80 is the cap)."""
        value = self.int("limit", default, minimum=1, clamp=maximum)
        return min(value or default, maximum)

    def id(self, name: str) -> int | None:
        """A cursor or id parameter: decimal digits of a 64-bit id; anything else is a 400."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        return parse_id(value, name)

    def bool(self, name: str, default: bool | None = None) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in FALSE:
            return False
        raise UnprocessableEntity(f"{name} must be a boolean", field=name)

    def list(self, name: str) -> list[Any]:
        value = self.data.get(name)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            raise UnprocessableEntity(f"{name} must be an array", field=name)
        return [value]

    def ids(self, name: str) -> list[int]:
        return [parse_id(v, name) for v in self.list(name) if v not in (None, "")]

    def dict(self, name: str) -> Params:
        value = self.data.get(name)
        if value is None:
            return Params({})
        if not isinstance(value, dict):
            raise UnprocessableEntity(f"{name} must be an object", field=name)
        return Params(value)

    def file(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, UploadFile):
            raise UnprocessableEntity(f"{name} must be a file", field=name)
        return value


def parse_id(value: Any, name: str = "id") -> int:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    number = parse_id_text(text)
    if number is None:
        raise BadRequest(f"{name} must be a numeric id")
    return number


async def _body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 once it passes ``limit`` (checked before and while reading,
    so an oversized body is never held in memory whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("Request body is too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("Request body is too large")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # noqa: SLF001 — Starlette's own cache: form parsing and later reads find it
    return body


async def read_params(request: Request) -> Params:
    data: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        _insert(data, key, value)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            body = await _body(request, MAX_JSON_BYTES)
            if body.strip():
                try:
                    parsed = orjson.loads(body)
                except orjson.JSONDecodeError:
                    raise BadRequest("Request body is not valid JSON") from None
                if not isinstance(parsed, dict):
                    raise BadRequest("Request body must be a JSON object")
                _check_depth(parsed)
                data.update(parsed)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if ctype == "application/x-www-form-urlencoded":
                await _body(request, MAX_JSON_BYTES)  # bounded; the form parser reads the cached body
            try:
                form = await request.form(max_files=10, max_fields=1000)
            except Exception as exc:  # malformed multipart: a client error, not ours
                raise BadRequest(f"Malformed form body: {exc}") from None
            for key, value in form.multi_items():
                _insert(data, key, value)
    # Only nested values become lists: the top level is always the parameter dict (?0=x is a key).
    return Params({key: _listify(value) for key, value in data.items()})
