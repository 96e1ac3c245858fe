"""Download your data, and delete your account."""

from __future__ import annotations

import os
import tempfile

from fastapi import APIRouter
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from madang.core.clock import utcnow
from madang.core.errors import Forbidden, Invalid
from madang.statuses.account_deletion import check_deletable, delete_own_account
from madang.statuses.export import write_export
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, redirect, signed_in
from madang.web.uploads import media_store
from madang.web.templating import render
from madang.web.viewer import clear_session_cookie, forget_viewer

router = APIRouter()


@router.get("/settings/export")
async def export_page(request: Request) -> Response:
    await signed_in(request)
    return render(request, "web/settings_export.html", section="export")


@router.get("/settings/export/archive.zip")
async def export_archive(request: Request) -> Response:
    viewer = await signed_in(request)
    # Built in a temporary file, not in memory: an account with years of photos is large.
    fd, path = tempfile.mkstemp(prefix="madang-export-", suffix=".zip")
    try:
        with os.fdopen(fd, "w+b") as out:
            async with ctx(request).db.read() as session:
                await write_export(session, account_id=viewer.account.id, store=media_store(request), out=out)
    except BaseException:
        os.unlink(path)
        raise
    name = f"madang-{viewer.account.username}-{utcnow():%Y%m%d}.zip"
    return FileResponse(path, media_type="application/zip", filename=name,
                        headers={"Cache-Control": "private, no-store"}, background=BackgroundTask(os.unlink, path))


async def _organisation(request: Request, account_id: int) -> bool:
    try:
        async with ctx(request).db.read() as session:
            await check_deletable(session, account_id=account_id)
    except Forbidden:
        return True
    return False


@router.get("/settings/delete")
async def delete_page(request: Request) -> Response:
    viewer = await signed_in(request)
    organisation = await _organisation(request, viewer.account.id)
    return render(request, "web/settings_delete.html", status=403 if organisation else 200, section="delete",
                  organisation=organisation, errors={}, typed="")


@router.post("/settings/delete")
async def delete_account(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    typed = text_field(form, "username", limit=100)
    errors: dict[str, str] = {}
    try:
        async with ctx(request).db.write() as session:
            revoked = await delete_own_account(session, account_id=viewer.account.id,
                                               password=text_field(form, "password", limit=1000),
                                               typed_username=typed, store=media_store(request))
    except Forbidden:
        return render(request, "web/settings_delete.html", status=403, section="delete", organisation=True,
                      errors={}, typed="")
    except Invalid as exc:
        errors[exc.field or "password"] = describe(exc)
        return render(request, "web/settings_delete.html", status=422, section="delete", organisation=False,
                      errors=errors, typed=typed)
    for token_hash in revoked:
        forget_viewer(request, token_hash)
    response = redirect("/", notice="account_deleted")
    clear_session_cookie(request, response)
    return response
