"""Blocked servers (admins only): the instance's domain blocks — add with a severity, flags and
comments, change, remove — and who may see the public list (madang.moderation.domain_blocks)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from madang.core.errors import Conflict, DomainError, Invalid
from madang.moderation import domain_blocks as blocks
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.routes.admin_common import admin_viewer
from madang.web.routes.common import ctx, path_id, redirect
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()
PAGE = "/admin/domain-blocks"
FLAGS = ("reject_media", "reject_reports", "obfuscate")

# The use case's English refusals, in the reader's language (the rest: web.messages.describe).
_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in [
    (r"^Domain can't be blank$", N_("차단할 도메인을 입력해 주세요.")),
    (r"^Domain is too long \(maximum is (?P<n>\d+)", N_("도메인은 %(n)s자까지 쓸 수 있습니다.")),
    (r"^You cannot block this server's own domain$", N_("이 서버 자신의 도메인은 차단할 수 없습니다.")),
    (r"^Severity must be", N_("차단 수준을 골라 주세요.")),
    (r"^A block of (?P<domain>\S+) is already at least as strict$",
     N_("%(domain)s 차단이 이미 이 도메인을 같거나 더 엄격하게 막고 있습니다.")),
    (r"^(Public|Private) comment is too long \(maximum is (?P<n>\d+)", N_("메모는 %(n)s자까지 쓸 수 있습니다.")),
    (r"^Visibility must be", N_("공개 범위를 골라 주세요.")),
]]


def _say(exc: DomainError) -> str:
    for pattern, message in _MESSAGES:
        match = pattern.search(exc.message)
        if match:
            return i18n.gettext_(message, **match.groupdict())
    return describe(exc)


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {"domain": text_field(form, "domain", limit=1000),
                              "severity": text_field(form, "severity", limit=20),
                              "public_comment": text_field(form, "public_comment", limit=10_000),
                              "private_comment": text_field(form, "private_comment", limit=10_000)}
    values.update({flag: form.get(flag) == "1" for flag in FLAGS})
    return values


def _block_values(block: Any) -> dict[str, Any]:
    return {"domain": block.domain, "severity": block.severity, "public_comment": block.public_comment,
            "private_comment": block.private_comment, **{flag: getattr(block, flag) for flag in FLAGS}}


def _field(exc: DomainError) -> str:
    return exc.field if exc.field in ("domain", "severity", "public_comment", "private_comment") else "form"


async def _list_page(request: Request, viewer: Viewer, *, values: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        rows = await blocks.list_domain_blocks(session, actor=viewer.account)
        visibility = await blocks.public_list_visibility(session)
    return render(request, "web/admin_domain_blocks.html", status=status, section="domain-blocks", rows=rows,
                  values=values or {"severity": "silence"}, errors=errors or {}, visibility=visibility,
                  display_domain=blocks.display_domain, comment_max=blocks.COMMENT_MAX)


@router.get(PAGE)
async def list_page(request: Request) -> Response:
    viewer = await admin_viewer(request)
    return await _list_page(request, viewer)


@router.post(PAGE)
async def add(request: Request) -> Response:
    viewer = await admin_viewer(request)
    values = _form_values(await checked_form(request))
    try:
        async with ctx(request).db.write() as session:
            await blocks.block_domain(session, actor=viewer.account, local_domain=ctx(request).settings.public_host,
                                      **values)
    except (Invalid, Conflict) as exc:
        return await _list_page(request, viewer, values=values, errors={_field(exc): _say(exc)}, status=422)
    return redirect(PAGE, notice="domain_blocked")


@router.post(f"{PAGE}/visibility")
async def set_visibility(request: Request) -> Response:
    viewer = await admin_viewer(request)
    value = text_field(await checked_form(request), "visibility", limit=20)
    try:
        async with ctx(request).db.write() as session:
            await blocks.set_public_list_visibility(session, actor=viewer.account, value=value)
    except Invalid as exc:
        return await _list_page(request, viewer, errors={"visibility": _say(exc)}, status=422)
    return redirect(PAGE, notice="saved")


async def _edit_page(request: Request, viewer: Viewer, block_id: int, *, values: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        block = await blocks.get_domain_block(session, actor=viewer.account, block_id=block_id)
    return render(request, "web/admin_domain_block_edit.html", status=status, section="domain-blocks", block=block,
                  values=values or _block_values(block), errors=errors or {},
                  display_domain=blocks.display_domain, comment_max=blocks.COMMENT_MAX)


@router.get(PAGE + "/{block_id}/edit")
async def edit_page(request: Request, block_id: str) -> Response:
    viewer = await admin_viewer(request)
    return await _edit_page(request, viewer, path_id(block_id))


@router.post(PAGE + "/{block_id}")
async def change(request: Request, block_id: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(block_id)
    values = _form_values(await checked_form(request))
    values.pop("domain")  # a block's domain stays; another domain is another block
    try:
        async with ctx(request).db.write() as session:
            await blocks.update_domain_block(session, actor=viewer.account, block_id=target, **values)
    except Invalid as exc:
        return await _edit_page(request, viewer, target, values=values, errors={_field(exc): _say(exc)}, status=422)
    return redirect(PAGE, notice="domain_block_changed")


@router.post(PAGE + "/{block_id}/delete")
async def remove(request: Request, block_id: str) -> Response:
    viewer = await admin_viewer(request)
    target = path_id(block_id)
    await checked_form(request)
    async with ctx(request).db.write() as session:
        await blocks.unblock_domain(session, actor=viewer.account, block_id=target)
    return redirect(PAGE, notice="domain_unblocked")
