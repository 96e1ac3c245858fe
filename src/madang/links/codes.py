"""Short-link codes: 7 random URL-safe characters (62^7, about 3.5 trillion), never sequential,
so a code cannot be guessed from the previous one or walked to list every link."""

from __future__ import annotations

import secrets
import string

ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7
# Codes are read from the path: anything else is not a code and is refused before a query.
MAX_CODE_LENGTH = 16


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_code(value: str) -> bool:
    return 0 < len(value) <= MAX_CODE_LENGTH and all(c in ALPHABET for c in value)
