"""What happens to a job whose run raised: the retry delay and the stored error text."""

from __future__ import annotations

import random
from datetime import timedelta

BASE_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 3600.0
JITTER = 0.1  # up to 10% later, so jobs that failed together do not retry together
ERROR_CHARS = 4000


def backoff(attempts: int) -> timedelta:
    """Delay before the next run after ``attempts`` runs: 4s, 8s, 16s, … capped at an hour."""
    seconds = min(2.0 ** min(attempts, 32) * BASE_SECONDS, MAX_BACKOFF_SECONDS)
    return timedelta(seconds=seconds * (1 + random.uniform(0, JITTER)))


def error_text(text: str) -> str:
    """Keep the tail of a traceback: the exception and the innermost frames matter most."""
    if len(text) <= ERROR_CHARS:
        return text
    return "…" + text[-(ERROR_CHARS - 1):]
