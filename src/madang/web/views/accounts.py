"""An account as the pages show it: names, links, avatar, badges."""

from __future__ import annotations

from typing import Any

from madang.media.storage import URL_PREFIX
from madang.models import Account

MISSING_AVATAR = "/avatars/original/missing.png"
MISSING_HEADER = "/headers/original/missing.png"


def _image(path: str | None, fallback: str) -> str:
    if not path:
        return fallback
    return path if path.startswith(("http://", "https://")) else URL_PREFIX + path


def account_card(account: Account) -> dict[str, Any]:
    acct = account.username if account.domain is None else f"{account.username}@{account.domain}"
    return {
        "id": account.id,
        "username": account.username,
        "acct": acct,
        "name": account.display_name or account.username,
        "url": f"/@{acct}",
        # A remote account's page on its own server ("원래 서버에서 보기"); None for local ones.
        "remote_url": (account.url or account.uri) if account.domain is not None else None,
        "domain": account.domain,
        "avatar": _image(account.avatar_path, MISSING_AVATAR),
        "has_avatar": bool(account.avatar_path),
        "header": _image(account.header_path, MISSING_HEADER),
        "note_html": account.note_html,
        "organisation": account.organisation,
        "verified": account.verified_at is not None,
        "locked": account.locked,
        "bot": account.bot,
        "statuses_count": account.statuses_count,
        "followers_count": account.followers_count,
        "following_count": account.following_count,
        "created_at": account.created_at,
    }
