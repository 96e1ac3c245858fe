"""HTTP-level problems of this surface (malformed requests), besides the domain's errors."""

from __future__ import annotations


class ApiProblem(Exception):
    status = 400

    def __init__(self, message: str, *, description: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.description = description
        self.field = field


class BadRequest(ApiProblem):
    status = 400


class UnprocessableEntity(ApiProblem):
    status = 422


class NotFoundProblem(ApiProblem):
    status = 404


class UserRequired(ApiProblem):
    """A valid token without a user (an app token) on a user-only endpoint."""

    status = 422


class PayloadTooLarge(ApiProblem):
    status = 413
