"""List."""

from __future__ import annotations

from typing import Any

from madang.models import List


def list_json(row: List) -> dict[str, Any]:
    return {"id": str(row.id), "title": row.title, "replies_policy": row.replies_policy, "exclusive": row.exclusive}
