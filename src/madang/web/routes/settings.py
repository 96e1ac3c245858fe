"""Settings: the profile, the password, signed-in browsers and authorized apps."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts import find_user_for_account, get_account
from madang.accounts.featured_tags import MAX_FEATURED_TAGS, feature_tag, list_featured_tags, unfeature_tag
from madang.accounts.rules import FIELDS_MAX
from madang.accounts.password_resets import change_password
from madang.auth.authorized_apps import list_authorized_apps, revoke_authorized_app
from madang.auth.web_sessions import end_web_session_by_id, list_web_sessions
from madang.core.errors import Conflict, Invalid, NotFound, RateLimited
from madang.media.profile_edits import REMOVE, ProfileForm, edit_profile
from madang.media.profile_images import stored_profile_image
from madang.web.uploads import media_store, upload_size, uploaded_file
from madang.web import i18n
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer, forget_viewer

router = APIRouter()
FLAGS = ("locked", "bot", "discoverable", "indexable")
VISIBILITY_LABELS = {"public": N_("공개"), "unlisted": N_("조용히 공개"), "private": N_("팔로워만"),
                     "direct": N_("멘션한 사람만")}


@router.get("/settings")
async def settings_index(request: Request) -> Response:
    await signed_in(request)
    return redirect("/settings/profile")


# --- profile ---------------------------------------------------------------------------

FIELD_ROWS_READ = 10  # rows read from a form (4 are offered): more than 4 filled is refused, not cut


def _profile_values(viewer: Viewer) -> dict[str, Any]:
    a, u = viewer.account, viewer.user
    return {"display_name": a.display_name, "note": a.note, "locale": u.locale if u.locale in i18n.AVAILABLE else "ko",
            "default_visibility": u.default_visibility, **{f: getattr(a, f) for f in FLAGS},
            "fields": [{"name": f.get("name", ""), "value": f.get("value", ""), "verified_at": f.get("verified_at")}
                       for f in a.fields or []]}


def _field_rows(form: Any) -> list[dict[str, str]]:
    """``fields[i][name]`` and ``fields[i][value]`` (the Mastodon API's names), in order."""
    rows = [{"name": text_field(form, f"fields[{i}][name]", limit=1000),
             "value": text_field(form, f"fields[{i}][value]", limit=1000)} for i in range(FIELD_ROWS_READ)]
    return [r for r in rows if r["name"].strip() or r["value"].strip()]


async def _profile_page(request: Request, viewer: Viewer, values: dict[str, Any], errors: dict[str, str],
                        status: int = 200, tag_name: str = "") -> Response:
    async with ctx(request).db.read() as session:
        account = await get_account(session, viewer.account.id)  # fresh: verification happens in a job
        featured = await list_featured_tags(session, account_id=viewer.account.id)
    if status == 200:  # a fresh form shows the stored fields with their verification
        values["fields"] = [{"name": f.get("name", ""), "value": f.get("value", ""),
                             "verified_at": f.get("verified_at")} for f in account.fields or []]
    rows = list(values.get("fields") or [])
    rows += [{"name": "", "value": "", "verified_at": None}] * max(0, FIELDS_MAX - len(rows))
    return render(request, "web/settings_profile.html", status=status, values=values, errors=errors,
                  account=account, visibilities=VISIBILITY_LABELS, section="profile", field_rows=rows,
                  featured_tags=featured, featured_max=MAX_FEATURED_TAGS, tag_name=tag_name)


@router.get("/settings/profile")
async def profile_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return await _profile_page(request, viewer, _profile_values(viewer), {})




@router.post("/settings/profile")
async def save_profile(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    values: dict[str, Any] = {
        "display_name": text_field(form, "display_name", limit=1000), "note": text_field(form, "note", limit=5000),
        "locale": text_field(form, "locale", limit=10) or "ko",
        "default_visibility": text_field(form, "default_visibility", limit=20) or "public",
        **{f: form.get(f) == "1" for f in FLAGS}, "fields": _field_rows(form)}
    errors: dict[str, str] = {}
    if values["locale"] not in i18n.AVAILABLE:
        errors["locale"] = i18n.gettext_("언어를 목록에서 골라 주세요.")
    settings = ctx(request).settings
    store = media_store(request)
    avatar, header = uploaded_file(form, "avatar"), uploaded_file(form, "header")
    if not errors:
        try:
            async with (
                stored_profile_image(store, avatar.file if avatar else None, kind="avatar", size=upload_size(avatar),
                                     max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels)
                as avatar_key,
                stored_profile_image(store, header.file if header else None, kind="header", size=upload_size(header),
                                     max_bytes=settings.media_max_bytes, max_pixels=settings.media_max_pixels)
                as header_key,
                ctx(request).db.write() as session,
            ):
                await edit_profile(
                    session, account_id=viewer.account.id, store=store,
                    form=ProfileForm(**values),
                    outbound_allow=settings.outbound_allow if settings.profile_link_checks else None,
                    avatar_key=avatar_key or (REMOVE if form.get("remove_avatar") == "1" else None),
                    header_key=header_key or (REMOVE if form.get("remove_header") == "1" else None))
        except Invalid as exc:
            errors[exc.field if exc.field in (*values, "avatar", "header") else "form"] = describe(exc)
    if errors:
        return await _profile_page(request, viewer, values, errors, status=422)
    # The cached viewer carries the old name and language: the next page must show the new ones.
    forget_viewer(request, viewer.token_hash)
    return redirect("/settings/profile", notice="saved")


@router.post("/settings/profile/featured_tags")
async def add_featured_tag(request: Request) -> Response:
    """Mastodon's "featured hashtags": shown on the profile, at most MAX_FEATURED_TAGS."""
    viewer = await signed_in(request)
    form = await checked_form(request)
    name = text_field(form, "name", limit=200)
    try:
        async with ctx(request).db.write() as session:
            await feature_tag(session, account=await get_account(session, viewer.account.id), name=name)
    except (Invalid, Conflict) as exc:
        return await _profile_page(request, viewer, _profile_values(viewer), {"featured_tag": describe(exc)},
                                   status=422, tag_name=name)
    return redirect("/settings/profile#featured-tags", notice="featured_tag_added")


@router.post("/settings/profile/featured_tags/{featured_tag_id}/remove")
async def remove_featured_tag(request: Request, featured_tag_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    try:
        async with ctx(request).db.write() as session:
            await unfeature_tag(session, account_id=viewer.account.id, featured_tag_id=path_id(featured_tag_id))
    except NotFound:
        raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    return redirect("/settings/profile#featured-tags", notice="featured_tag_removed")


# --- password --------------------------------------------------------------------------

@router.get("/settings/password")
async def password_page(request: Request) -> Response:
    await signed_in(request)
    return render(request, "web/settings_password.html", errors={}, section="password")


@router.post("/settings/password")
async def save_password(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    new = text_field(form, "password", limit=1000)
    errors: dict[str, str] = {}
    if new != text_field(form, "password_confirmation", limit=1000):
        errors["password_confirmation"] = i18n.gettext_("비밀번호 확인이 일치하지 않습니다.")
    else:
        c = ctx(request)
        keys = (f"password-change:{viewer.account.id}",)
        try:
            c.login_throttle.check(*keys)
            async with c.db.write() as session:
                user = await find_user_for_account(session, viewer.account.id)
                revoked = await change_password(session, user=user,
                                                current_password=text_field(form, "current_password", limit=1000),
                                                new_password=new, keep_token_id=viewer.token_id)
        except Invalid as exc:
            if exc.field == "current_password":
                c.login_throttle.failed(*keys)
            errors[exc.field or "password"] = describe(exc)
        except RateLimited as exc:
            errors["current_password"] = describe(exc)
    if errors:
        return render(request, "web/settings_password.html", status=422, errors=errors, section="password")
    for token_hash in revoked:
        forget_viewer(request, token_hash)
    forget_viewer(request, viewer.token_hash)  # its cached user still holds the old hash
    return redirect("/settings/password", notice="password_changed")


# --- signed-in browsers ----------------------------------------------------------------

_BROWSERS = [(r"Edg(e|A|iOS)?/", "Microsoft Edge"), (r"SamsungBrowser/", "삼성 인터넷"), (r"Whale/", "네이버 웨일"),
             (r"OPR/|Opera", "Opera"), (r"Firefox/|FxiOS/", "Firefox"), (r"Chrome/|CriOS/", "Chrome"),
             (r"Safari/", "Safari")]
_SYSTEMS = [(r"Android", "Android"), (r"iPhone|iPad|iOS", "iOS"), (r"Windows", "Windows"),
            (r"Mac OS X|Macintosh", "macOS"), (r"CrOS", "ChromeOS"), (r"Linux", "Linux")]


def browser_of(user_agent: str | None) -> str:
    """'Chrome (Android)' from a User-Agent; the raw string's start when nothing matches."""
    ua = user_agent or ""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, ua)), None)
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, ua)), None)
    if browser is None:
        return ua[:40] or i18n.gettext_("알 수 없는 브라우저")
    return f"{i18n.gettext_(browser)} ({system})" if system else i18n.gettext_(browser)


@router.get("/settings/sessions")
async def sessions_page(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        tokens = await list_web_sessions(session, account_id=viewer.account.id)
    rows = [{"id": t.id, "browser": browser_of(t.user_agent), "created_at": t.created_at,
             "last_used_at": t.last_used_at or t.created_at, "current": t.id == viewer.token_id} for t in tokens]
    return render(request, "web/settings_sessions.html", sessions=rows, section="sessions")


@router.post("/settings/sessions/{token_id}/revoke")
async def revoke_session(request: Request, token_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    target = path_id(token_id)
    if target == viewer.token_id:
        raise WebProblem(400, N_("지금 쓰는 세션은 로그아웃 버튼으로 끝내 주세요."))
    async with ctx(request).db.write() as session:
        tokens = {t.id: t.token_hash for t in await list_web_sessions(session, account_id=viewer.account.id)}
        if target not in tokens or not await end_web_session_by_id(session, account_id=viewer.account.id,
                                                                    token_id=target):
            raise WebProblem(404, N_("찾을 수 없습니다."))
    forget_viewer(request, tokens[target])
    return redirect("/settings/sessions", notice="session_revoked")


# --- authorized apps -------------------------------------------------------------------

@router.get("/settings/apps")
async def apps_page(request: Request) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        apps = await list_authorized_apps(session, account_id=viewer.account.id)
    return render(request, "web/settings_apps.html", apps=apps, section="apps")


@router.post("/settings/apps/{application_id}/revoke")
async def revoke_app(request: Request, application_id: str) -> Response:
    viewer = await signed_in(request)
    await checked_form(request)
    try:
        async with ctx(request).db.write() as session:
            revoked = await revoke_authorized_app(session, account_id=viewer.account.id,
                                                  application_id=path_id(application_id))
    except NotFound:
        raise WebProblem(404, N_("찾을 수 없습니다.")) from None
    for token_hash in revoked:
        forget_viewer(request, token_hash)
    return redirect("/settings/apps", notice="app_revoked")
