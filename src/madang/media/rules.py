"""The rules of an attachment's text fields: alt text and focal point, and how many a post holds."""

from __future__ import annotations

import math

from madang.core.errors import Invalid
from madang.text import normalize

MAX_ATTACHMENTS = 4
DESCRIPTION_LIMIT = 1500


def check_description(description: str | None) -> str | None:
    """Alt text as typed (NFC); empty means none. Counted in characters, as Mastodon does."""
    if description is None:
        return None
    description = normalize(description).strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise Invalid(f"Description is too long ({len(description)} characters, at most {DESCRIPTION_LIMIT})",
                      field="description")
    return description or None


def parse_focus(focus: str | None) -> tuple[float, float] | None:
    """``"x,y"``, each from -1.0 to 1.0 (Mastodon's focal point); None when not given."""
    if focus is None or focus.strip() == "":
        return None
    parts = focus.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        x, y = (float(p) for p in parts)
    except ValueError:
        raise Invalid("Focus must be two numbers: x,y", field="focus") from None
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Invalid("Focus values must be between -1.0 and 1.0", field="focus")
    return x, y
