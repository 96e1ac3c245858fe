"""The announcement categories of an organisation's posts, with their Korean names."""

from __future__ import annotations

from madang.core.errors import Invalid
from madang.models.office import CATEGORIES

LABELS = {"culture": "문화", "welfare": "복지", "education": "교육", "transport": "교통", "events": "행사",
          "neighbourhood": "동네 소식"}
assert tuple(LABELS) == CATEGORIES


def check_category(category: str | None) -> str | None:
    """None or '' for a post without a category (a reply, say)."""
    if not category:
        return None
    if category not in CATEGORIES:
        raise Invalid("분류는 " + ", ".join(LABELS.values()) + " 중 하나여야 합니다", field="category")
    return category


def category_label(category: str | None) -> str:
    return LABELS.get(category or "", "분류 없음")
