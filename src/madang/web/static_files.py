"""The images every account and the instance fall back on, served with long cache headers.

Mastodon clients expect `avatar`, `header` and the instance thumbnail to be URLs that load;
the API points the defaults here (``/avatars/original/missing.png`` as Mastodon does)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse

router = APIRouter()
STATIC = Path(__file__).parent / "static"
CACHE = {"Cache-Control": "public, max-age=604800, immutable"}


def _image(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="image/png", headers=CACHE)


@router.get("/avatars/original/missing.png")
async def missing_avatar() -> FileResponse:
    return _image("avatar-missing.png")


@router.get("/headers/original/missing.png")
async def missing_header() -> FileResponse:
    return _image("header-missing.png")


@router.get("/static/thumbnail.png")
async def thumbnail() -> FileResponse:
    return _image("thumbnail.png")
