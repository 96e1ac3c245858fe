"""Domain errors. Surfaces map each to their dialect (HTTP status, HTML message) once."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record does not exist, or the viewer may not know it exists."""


class Forbidden(DomainError):
    """The viewer is known but may not do this. ``needs``: the roles (any one of them) that
    would allow it, as role keys (desk.organisations.ROLE_NAMES), so a surface can say in its
    own language which role the page needs."""

    def __init__(self, message: str, *, field: str | None = None, needs: tuple[str, ...] = ()) -> None:
        super().__init__(message, field=field)
        self.needs = needs


class Conflict(DomainError):
    """The request clashes with the current state (a taken username, a duplicate)."""


class Invalid(DomainError):
    """The input breaks a rule (too long, wrong type, out of range)."""


class Unauthorized(DomainError):
    """No valid credentials were given."""


class RateLimited(DomainError):
    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
