"""Files sent with a form: the one a field holds (an empty file input sends nothing), its size,
the media store the pages share with the API, and a photo stored before a unit of work."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from madang.core.errors import Invalid
from madang.media.storage import MediaStore, store_of
from madang.media.uploads import StoredUpload, stored_upload
from madang.runtime import ctx_of


def uploaded_file(form: Any, name: str) -> UploadFile | None:
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename and (value.size is None or value.size > 0):
        return value
    return None


def upload_size(upload: UploadFile | None) -> int:
    if upload is None:
        return 0
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def media_store(request: Request) -> MediaStore:
    """The same store (and cache key) the API's uploads use: one per process, kept on the context."""
    extras = ctx_of(request).extras
    if "media_store" not in extras:
        extras["media_store"] = store_of(ctx_of(request).settings)
    return extras["media_store"]


async def store_form_photo(stack: AsyncExitStack, request: Request, photo: UploadFile | None,
                           field: str = "photo") -> StoredUpload | None:
    """The form's photo checked, re-encoded and stored before the unit of work (no image work in
    SQLite's write lock); if anything refuses later in ``stack``, its files are removed again. A
    refused photo names the form's field."""
    if photo is None:
        return None
    settings = ctx_of(request).settings
    try:
        return await stack.enter_async_context(stored_upload(
            media_store(request), photo.file, size=upload_size(photo), max_bytes=settings.media_max_bytes,
            max_pixels=settings.media_max_pixels))
    except Invalid as exc:
        raise Invalid(exc.message, field=field) from None
