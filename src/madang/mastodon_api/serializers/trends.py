"""Tag entities with their daily history, as trends and the tag page show them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from madang.models import Tag
from madang.trends import HistoryDay


def history_json(days: list[HistoryDay]) -> list[dict[str, str]]:
    # Mastodon sends the counts as strings.
    return [{"day": d.day, "uses": str(d.uses), "accounts": str(d.accounts)} for d in days]


def tag_entity_json(tag: Tag, history: list[HistoryDay], base_url: str, *, following: bool = False) -> dict[str, Any]:
    return {"id": str(tag.id), "name": tag.name, "url": f"{base_url}/tags/{quote(tag.name)}",
            "history": history_json(history), "following": following}
