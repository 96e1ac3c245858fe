"""Errors of the web pages: a Korean (or English) page with the status code, never a 500."""

from __future__ import annotations


class WebProblem(Exception):
    """Stop and show an error page. ``message`` is a msgid (Korean), translated when shown."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):
    """The page needs a signed-in viewer: redirect to sign-in, then back."""


class TwoFactorSetupRequired(Exception):
    """A staff page, and the instance asks staff to set up two-factor first: to its settings."""
