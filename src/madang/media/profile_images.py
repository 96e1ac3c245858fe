"""Avatars and headers: cropped to Mastodon's sizes, re-encoded without metadata, stored.

Files are written before the unit of work opens and removed again if it does not commit
(as uploads.py does for post photos); a replaced image's old file goes by a job once the
new one is committed."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import BinaryIO

from madang.core.errors import Invalid
from madang.media.storage import MediaStore
from madang.media.uploads import check_size

SIZES = {"avatar": (400, 400), "header": (1500, 500)}  # as Mastodon


def process_profile_image(source: BinaryIO, *, kind: str, max_pixels: int) -> tuple[bytes, str, str]:
    """(bytes, extension, content type): the image cropped to fill its box, upright,
    in sRGB, without EXIF; PNG when it has transparency, JPEG otherwise."""
    from PIL import ImageOps

    from madang.media import processing as p

    with p._PROCESSING:
        image = p._open(source, max_pixels=max_pixels)
        try:
            first = p._to_srgb(p._upright(p._decoded(image, seek=0 if getattr(image, "n_frames", 1) > 1 else None)))
            if first.mode not in ("RGB", "RGBA"):
                first = first.convert("RGBA" if first.has_transparency_data else "RGB")
            fitted = ImageOps.fit(first, SIZES[kind], method=3)  # LANCZOS
            transparent = fitted.mode == "RGBA" and fitted.getextrema()[3][0] < 255
            rendition = p._encode(fitted if transparent else fitted.convert("RGB"),
                                  *(("PNG", "png", "image/png") if transparent else ("JPEG", "jpg", "image/jpeg")))
        finally:
            image.close()
    return rendition.data, rendition.extension, rendition.content_type


async def store_profile_image(store: MediaStore, source: BinaryIO, *, kind: str, size: int, max_bytes: int,
                              max_pixels: int) -> str:
    if kind not in SIZES:
        raise Invalid("Unknown profile image", field=kind)
    check_size(size, max_bytes)
    try:
        data, extension, content_type = await asyncio.to_thread(process_profile_image, source, kind=kind,
                                                                max_pixels=max_pixels)
    except Invalid as exc:
        raise Invalid(exc.message, field=kind) from None
    token = secrets.token_hex(16)
    key = f"{kind}s/{token[:2]}/{token}.{extension}"
    await asyncio.to_thread(store.save, key, data, content_type)
    return key


@asynccontextmanager
async def stored_profile_image(store: MediaStore, source: BinaryIO | None, *, kind: str, size: int, max_bytes: int,
                               max_pixels: int) -> AsyncIterator[str | None]:
    """The stored file's key for the block (None without a source); removed if the block raises."""
    if source is None:
        yield None
        return
    key = await store_profile_image(store, source, kind=kind, size=size, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        yield key
    except BaseException:
        await asyncio.shield(asyncio.to_thread(store.delete, key))
        raise

