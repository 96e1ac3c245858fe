"""Media: upload (v1 and v2, processed at once), show, describe, delete; and the files themselves."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, AsyncIterator
from typing import BinaryIO

import anyio

from fastapi import APIRouter, Request
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.responses import Response, StreamingResponse

from madang.mastodon_api.auth import require_user
from madang.mastodon_api.params import read_params
from madang.mastodon_api.problems import (
    BadRequest,
    PayloadTooLarge,
    UnprocessableEntity,
)
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx, path_id
from madang.mastodon_api.serializers.media import media_attachment_json
from madang.media import (
    LocalMediaStore,
    MediaStore,
    store_of,
    create_media_attachment,
    delete_media,
    get_own_media,
    stored_upload,
    update_media,
)
from madang.media.rules import check_description, parse_focus
from madang.media.storage import BadKey, content_type_of

router = APIRouter()
# Room in the body for the other fields (description, focus, part headers) besides the file.
FORM_SLACK = 64 * 1024
FILE_CACHE = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}


def media_store(request: Request) -> MediaStore:
    extras = ctx(request).extras
    if "media_store" not in extras:
        extras["media_store"] = store_of(ctx(request).settings)
    return extras["media_store"]


async def _read_upload_form(request: Request, limit: int) -> None:
    """Parse the multipart body ourselves, counting as it streams in, so a body larger than
    the upload limit is refused at once (413) instead of being spooled whole; the parsed
    form is left where ``read_params`` looks for it."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("Request body is too large")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        return

    async def bounded() -> AsyncGenerator[bytes, None]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge("Request body is too large")
            yield chunk

    try:
        form = await MultiPartParser(request.headers, bounded(), max_files=2, max_fields=50).parse()
    except MultiPartException as exc:
        raise BadRequest(f"Malformed form body: {exc.message}") from None
    request._form = form


async def _upload(request: Request) -> Response:
    _, me = await require_user(request, "write:media")
    settings = ctx(request).settings
    await _read_upload_form(request, settings.media_max_bytes + FORM_SLACK)
    try:
        return await _process_upload(request, me.id)
    finally:
        await request.close()  # the spooled upload's temporary file goes now, not at GC


async def _process_upload(request: Request, account_id: int) -> Response:
    settings = ctx(request).settings
    params = await read_params(request)
    upload = params.file("file")
    if upload is None:
        raise UnprocessableEntity("File can't be blank", field="file")
    description, focus = params.str("description"), params.str("focus")
    # The cheap checks first: a too-long alt text is refused before any pixel is decoded.
    check_description(description)
    parse_focus(focus)
    store = media_store(request)
    size = upload.size if upload.size is not None else len(await upload.read())
    await upload.seek(0)
    # The files are written first and removed again if the unit of work does not commit.
    async with (
        stored_upload(store, upload.file, size=size, max_bytes=settings.media_max_bytes,
                      max_pixels=settings.media_max_pixels) as stored,
        ctx(request).db.write() as session,
    ):
        media = await create_media_attachment(session, store=store, account_id=account_id, upload=stored,
                                              description=description, focus=focus)
    # 200, not 202: images are processed before the answer (Tusky waits for a 200).
    return JSON(media_attachment_json(media, base_url(request), store))


router.add_api_route("/api/v1/media", _upload, methods=["POST"], name="media_upload_v1")
router.add_api_route("/api/v2/media", _upload, methods=["POST"], name="media_upload_v2")


@router.get("/api/v1/media/{media_id}")
async def show(request: Request, media_id: str) -> Response:
    _, me = await require_user(request, "write:media")
    async with ctx(request).db.read() as session:
        media = await get_own_media(session, account_id=me.id, media_id=path_id(media_id))
    return JSON(media_attachment_json(media, base_url(request), media_store(request)))


@router.put("/api/v1/media/{media_id}")
async def update(request: Request, media_id: str) -> Response:
    _, me = await require_user(request, "write:media")
    params = await read_params(request)
    async with ctx(request).db.write() as session:
        media = await update_media(session, account_id=me.id, media_id=path_id(media_id),
                                   description=params.str("description"), focus=params.str("focus"),
                                   set_description="description" in params)
    return JSON(media_attachment_json(media, base_url(request), media_store(request)))


@router.delete("/api/v1/media/{media_id}")
async def destroy(request: Request, media_id: str) -> Response:
    _, me = await require_user(request, "write:media")
    async with ctx(request).db.write() as session:
        await delete_media(session, store=media_store(request), account_id=me.id, media_id=path_id(media_id))
    return JSON({})


@router.api_route("/media/{key:path}", methods=["GET", "HEAD"])
async def media_file(request: Request, key: str) -> Response:
    """The stored files, with long cache headers: a key never names two different files."""
    store = media_store(request)
    if not isinstance(store, LocalMediaStore):
        return await _remote_file(request, store, key)
    try:
        path, content_type = store.path(key), content_type_of(key)
    except BadKey:
        return Response("Not found", status_code=404, media_type="text/plain")
    # Opened before answering: a file removed meanwhile (a replaced avatar, a swept upload)
    # is either served whole from the open handle or a clean 404, never a cut-off answer.
    try:
        handle = open(path, "rb")  # noqa: SIM115  (closed by _send_open_file)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return Response("Not found", status_code=404, media_type="text/plain")
    size = os.fstat(handle.fileno()).st_size
    headers = {**FILE_CACHE, "content-length": str(size)}
    if request.method == "HEAD":
        handle.close()
        return Response(status_code=200, media_type=content_type, headers=headers)
    return StreamingResponse(_send_open_file(handle), media_type=content_type, headers=headers)


async def _remote_file(request: Request, store: MediaStore, key: str) -> Response:
    """A file in object storage (decision 0066): a permanent redirect to its public address when
    the bucket or a CDN serves it (MADANG_S3_PUBLIC_URL), else read from the bucket and passed on."""
    try:
        content_type = content_type_of(key)
    except BadKey:
        return Response("Not found", status_code=404, media_type="text/plain")
    url = store.url(key)
    if url.startswith(("https://", "http://")):
        return Response(status_code=301, headers={"Location": url, "Cache-Control": FILE_CACHE["Cache-Control"]})
    try:
        if request.method == "HEAD":
            size = await anyio.to_thread.run_sync(store.size, key)  # type: ignore[attr-defined]
            return Response(status_code=200, media_type=content_type,
                            headers={**FILE_CACHE, "content-length": str(size)})
        handle, size = await anyio.to_thread.run_sync(store.fetch, key)  # type: ignore[attr-defined]
    except FileNotFoundError:
        return Response("Not found", status_code=404, media_type="text/plain")
    headers = {**FILE_CACHE, "content-length": str(size)}
    return StreamingResponse(_send_open_file(handle), media_type=content_type, headers=headers)


async def _send_open_file(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(handle.read, 256 * 1024):
            yield chunk
    finally:
        handle.close()
