"""Short links (/s/<code>) and their clicks counted per day, with no personal data."""

from madang.links.clicks import day_of, find_link, record_click
from madang.links.codes import CODE_LENGTH, new_code
from madang.links.creating import (
    MAX_URL_LENGTH, attach_links_in_text, attach_links_to_status, check_url, create_short_link,
)
from madang.links.queries import LinkClicks, clicks_by_day, clicks_per_status, list_links
from madang.links.shortening import short_url, shorten_links_in_text

__all__ = [
    "CODE_LENGTH", "MAX_URL_LENGTH", "LinkClicks", "attach_links_in_text", "attach_links_to_status", "check_url", "clicks_by_day",
    "clicks_per_status", "create_short_link", "day_of", "find_link", "list_links", "new_code", "record_click",
    "short_url", "shorten_links_in_text",
]
