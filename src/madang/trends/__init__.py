"""Trends: tags and statuses rising in the city, computed by a job from recent use."""

from madang.trends.queries import (
    HistoryDay,
    list_trending_statuses,
    list_trending_tags,
    tag_histories,
)
from madang.trends.refresh import REFRESH_JOB, refresh_trends, schedule_trends_refresh

__all__ = [
    "REFRESH_JOB", "HistoryDay", "list_trending_statuses", "list_trending_tags", "refresh_trends",
    "schedule_trends_refresh", "tag_histories",
]
