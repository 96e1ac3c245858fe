"""Forgotten passwords and e-mail confirmation: links sent by mail, answered the same for
every address (nobody learns which addresses are registered), requests throttled."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.confirmation import confirmation_required as domain_confirmation_required
from madang.accounts.confirmation import confirm_email, resend_confirmation
from madang.accounts.mail_tokens import PASSWORD_RESET, find_mail_token
from madang.accounts.password_resets import request_password_reset, reset_password
from madang.core.errors import Invalid, NotFound, RateLimited
from madang.core.settings import Settings
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, redirect
from madang.web.templating import render
from madang.web.viewer import forget_viewer, load_viewer

router = APIRouter()
LINK_INVALID = N_("링크가 올바르지 않거나 만료되었습니다. 다시 요청해 주세요.")


def confirmation_required(settings: Settings) -> bool:
    return domain_confirmation_required(smtp_url=settings.smtp_url, enabled=settings.email_confirmation)


def _throttled(request: Request, kind: str, email: str) -> None:
    """At most a few mails an address and a few requests a client per five minutes: no
    mail-bombing someone's inbox through this form."""
    throttle = ctx(request).login_throttle
    keys = (f"{kind}-ip:{request.client.host if request.client else '-'}", f"{kind}-email:{email.strip().lower()}")
    throttle.check(*keys)
    throttle.failed(*keys)  # every request counts, successful or not


async def _mail_request(request: Request, *, kind: str, template: str) -> Response:
    await load_viewer(request)
    form = await checked_form(request)
    email = text_field(form, "email", limit=320)
    if not email.strip():
        return render(request, template, status=422, email=email,
                      error=i18n.gettext_("이메일 주소를 입력해 주세요."))
    try:
        _throttled(request, kind, email)
    except RateLimited as exc:
        return render(request, template, status=429, email=email, error=describe(exc),
                      headers={"Retry-After": str(exc.retry_after)})
    c = ctx(request)
    use_case = request_password_reset if kind == "reset" else resend_confirmation
    async with c.db.write() as session:
        await use_case(session, email=email, base_url=c.settings.base_url, site_title=c.settings.instance_title)
    return render(request, "web/password_sent.html", email=email.strip())


@router.get("/auth/password")
async def forgot_page(request: Request) -> Response:
    await load_viewer(request)
    return render(request, "web/password_request.html", email="", error=None)


@router.post("/auth/password")
async def forgot(request: Request) -> Response:
    return await _mail_request(request, kind="reset", template="web/password_request.html")


@router.get("/auth/password/{token}")
async def reset_page(request: Request, token: str) -> Response:
    await load_viewer(request)
    async with ctx(request).db.read() as session:
        live = await find_mail_token(session, token, purpose=PASSWORD_RESET)
    if live is None:
        raise WebProblem(404, LINK_INVALID)
    return render(request, "web/password_reset.html", token=token, errors={})


@router.post("/auth/password/{token}")
async def reset(request: Request, token: str) -> Response:
    await load_viewer(request)
    form = await checked_form(request)
    password = text_field(form, "password", limit=1000)
    errors: dict[str, str] = {}
    if password != text_field(form, "password_confirmation", limit=1000):
        errors["password_confirmation"] = i18n.gettext_("비밀번호 확인이 일치하지 않습니다.")
    else:
        try:
            async with ctx(request).db.write() as session:
                revoked = await reset_password(session, token=token, password=password)
        except NotFound:
            raise WebProblem(404, LINK_INVALID) from None
        except Invalid as exc:
            errors["password"] = describe(exc)
    if errors:
        return render(request, "web/password_reset.html", status=422, token=token, errors=errors)
    for token_hash in revoked:
        forget_viewer(request, token_hash)
    return redirect("/auth/sign_in", notice="password_reset")


@router.get("/auth/confirm/{token}")
async def confirm(request: Request, token: str) -> Response:
    await load_viewer(request)
    try:
        async with ctx(request).db.write() as session:
            await confirm_email(session, token=token)
    except NotFound:
        raise WebProblem(404, LINK_INVALID) from None
    return redirect("/auth/sign_in", notice="confirmed")


@router.get("/auth/confirmation")
async def resend_page(request: Request) -> Response:
    await load_viewer(request)
    return render(request, "web/password_confirmation.html", email=request.query_params.get("email", "")[:320],
                  error=None, pending=False)


@router.post("/auth/confirmation")
async def resend(request: Request) -> Response:
    return await _mail_request(request, kind="confirm", template="web/password_confirmation.html")
