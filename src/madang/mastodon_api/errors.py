"""Maps domain errors and malformed requests to Mastodon's JSON error envelope, once."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited, Unauthorized
from madang.mastodon_api.problems import ApiProblem, UnprocessableEntity
from madang.mastodon_api.responses import error

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 422, Invalid: 422, Unauthorized: 401, RateLimited: 429}
HTTP_MESSAGES = {404: "Record not found", 405: "Method not allowed", 401: "The access token is invalid"}


def domain_error_response(exc: DomainError) -> Response:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 422)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    message = exc.message
    details = None
    if status == 422:
        if not message.startswith("Validation failed"):
            message = f"Validation failed: {message}"
        if exc.field:
            code = "ERR_TAKEN" if isinstance(exc, Conflict) else "ERR_INVALID"
            details = {exc.field: [{"error": code, "description": exc.message}]}
    return error(status, message, headers=headers, details=details)


def problem_response(exc: ApiProblem) -> Response:
    message, details = exc.message, None
    if isinstance(exc, UnprocessableEntity):
        message = message if message.startswith("Validation failed") else f"Validation failed: {message}"
        if exc.field:
            details = {exc.field: [{"error": "ERR_INVALID", "description": exc.message}]}
    return error(exc.status, message, exc.description, details=details)


def http_error_response(exc: HTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else HTTP_MESSAGES.get(exc.status_code, "Error")
    return error(exc.status_code, HTTP_MESSAGES.get(exc.status_code, message), headers=getattr(exc, "headers", None))


def validation_error_response(_request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    return error(422, f"Validation failed: {where} {first.get('msg', 'is invalid')}".strip())
