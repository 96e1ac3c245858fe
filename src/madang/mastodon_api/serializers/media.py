"""MediaAttachment as Mastodon sends it."""

from __future__ import annotations

from typing import Any

from madang.media.storage import URL_PREFIX, MediaStore
from madang.models.media import MediaAttachment


def _absolute(base_url: str, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else base_url + url


def _size(width: int, height: int) -> dict[str, Any]:
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height if height else 1.0}


def media_attachment_json(m: MediaAttachment, base_url: str, store: MediaStore | None = None) -> dict[str, Any]:
    """``store`` names where files are fetched from; without one, the local folder served
    under ``/media/`` (the only store there is so far)."""
    def url(key: str) -> str:
        if not key and m.remote_url:  # a remote post's media not (yet) cached here
            return m.remote_url
        return _absolute(base_url, store.url(key) if store is not None else URL_PREFIX + key)

    return {
        "id": str(m.id),
        "type": m.type,
        "url": url(m.file_key),
        "preview_url": url(m.small_key),
        "remote_url": m.remote_url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {
            "original": _size(m.width, m.height),
            "small": _size(m.small_width, m.small_height),
            "focus": {"x": m.focus_x, "y": m.focus_y},
        },
        "description": m.description,
        "blurhash": m.blurhash,
    }
