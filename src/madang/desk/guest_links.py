"""The private link a guest of the web form gets to follow their case.

The token is an HMAC of the case's id under the server's secret key: nothing secret is stored
in the database (a leaked database yields no live links), no token column is needed, and a guest
reaches their own case only — a wrong or altered token is indistinguishable from a missing case.
The link cannot be revoked short of changing the secret key (see the report of issue 6, D6)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import NotFound
from madang.models.desk import Case

_PURPOSE = b"madang desk guest link v1:"


def guest_token(secret_key: str, case: Case) -> str:
    mac = hmac.new(secret_key.encode(), _PURPOSE + f"{case.organisation_id}:{case.id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def guest_path(secret_key: str, case: Case) -> str:
    return f"/desk/g/{case.id}/{guest_token(secret_key, case)}"


async def case_for_guest(session: AsyncSession, *, secret_key: str, case_id: int, token: str) -> Case:
    """The case the link names, if the token is the one that was sent; NotFound otherwise."""
    case = await session.get(Case, case_id)
    if (case is None or case.citizen_id is not None or len(token) > 64
            or not hmac.compare_digest(guest_token(secret_key, case).encode(), token.encode())):
        raise NotFound("민원을 찾을 수 없습니다", field="case")
    return case
