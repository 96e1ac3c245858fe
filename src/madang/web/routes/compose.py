"""Writing a post: the composer page and the plain form it posts (works without JavaScript)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.core.ids import parse_id_text
from madang.auth.web_sessions import web_application
from madang.core.errors import Forbidden, Invalid, NotFound
from madang.media import stored_upload
from madang.models import Account
from madang.scheduling.manage import schedule_status
from madang.scheduling.with_uploads import schedule_status_with_uploads
from madang.statuses.create import create_status
from madang.statuses.polls import MAX_OPTIONS, PollSpec
from madang.statuses.with_uploads import Photo, create_status_with_uploads
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.uploads import media_store
from madang.web.routes.common import ctx, new_form_key, redirect, safe_next, signed_in, site_of
from madang.web.templating import render
from madang.web.views.photos import PhotoField, attached, check_photos, read_photos

router = APIRouter()
VISIBILITIES = ("public", "unlisted", "private", "direct")
POLL_DURATIONS = (300, 1800, 3600, 21600, 86400, 259200, 604800)


def read_poll(form) -> tuple[dict, PollSpec | None]:  # type: ignore[no-untyped-def]
    """The composer's poll fields: what to show again, and the poll asked for (None when no
    option is written). The rules (2–4 options, length, duplicates) are the domain's."""
    options = [text_field(form, f"poll_option_{i}", limit=500) for i in range(MAX_OPTIONS)]
    raw = text_field(form, "poll_expires_in") or "86400"
    expires_in = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else 0
    shown = {"options": options, "expires_in": expires_in, "multiple": bool(form.get("poll_multiple")), "error": None}
    written = tuple(o for o in options if o.strip())
    if not written:
        return shown, None
    return shown, PollSpec(options=written, expires_in=expires_in, multiple=shown["multiple"])



def _local_time(value: str, time_zone: str) -> datetime:
    """A datetime-local field (``2026-07-20T09:00``) in the server's zone."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("예약 시각은 2026-07-20 09:00처럼 적어 주세요", field="scheduled_at") from None
    return local if local.tzinfo else local.replace(tzinfo=ZoneInfo(time_zone))


@router.get("/compose")
async def compose_page(request: Request) -> Response:
    viewer = await signed_in(request)
    from madang.web.routes.statuses import reply_draft  # a reply: the post answered, @mentions prefilled

    reply = await reply_draft(request, viewer)
    if reply is not None:
        return render(request, "web/compose.html", **reply)
    asked = request.query_params.get("visibility")  # "개인 메시지 쓰기" opens with direct chosen
    visibility = asked if asked in VISIBILITIES else viewer.user.default_visibility
    return render(request, "web/compose.html", draft="", draft_error=None, visibility=visibility,
                  form_key=new_form_key(), in_reply_to=None, next="/home")


@router.post("/statuses")
async def post_status(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    text = text_field(form, "status", limit=20_000)
    visibility = text_field(form, "visibility") or viewer.user.default_visibility
    reply_to = text_field(form, "in_reply_to_id")
    next_url = safe_next(form.get("next"))
    photos = read_photos(form)
    poll_form, poll = read_poll(form)
    options = {"spoiler_text": text_field(form, "spoiler_text", limit=1000), "sensitive": form.get("sensitive") == "1",
               "language": text_field(form, "language", limit=10), "scheduled_at": text_field(form, "scheduled_at",
                                                                                             limit=40).strip()}

    def again(draft_error: str | None = None, poll_error: str | None = None, options_error: str | None = None
              ) -> Response:
        return render(request, "web/compose.html", status=422, draft=text, draft_error=draft_error,
                      visibility=visibility if visibility in VISIBILITIES else "public", form_key=new_form_key(),
                      in_reply_to=reply_to or None, next=next_url, photos=[p.row() for p in photos],
                      poll_form={**poll_form, "error": poll_error}, post_options={**options, "error": options_error})

    if not check_photos(photos):
        return again()
    try:
        if visibility not in VISIBILITIES:
            raise Invalid("Visibility must be one of public, unlisted, private, direct", field="visibility")
        if reply_to and parse_id_text(reply_to) is None:
            raise NotFound("Record not found")
        post = dict(
            site=site_of(request), text=text, spoiler_text=options["spoiler_text"], sensitive=options["sensitive"],
            language=options["language"] or None, visibility=visibility,
            in_reply_to_id=int(reply_to) if reply_to else None,
            idempotency_key=("web:" + text_field(form, "form_key", limit=64)) if form.get("form_key") else None,
            default_visibility=viewer.user.default_visibility, poll=poll)
        if options["scheduled_at"]:
            when = _local_time(options["scheduled_at"], ctx(request).settings.time_zone)
            if attached(photos):
                await _post_with_photos(request, viewer.account, photos, {**post, "scheduled_at": when})
            else:
                async with ctx(request).db.write() as session:
                    app = await web_application(session)
                    await schedule_status(session, author=viewer.account, application_id=app.id, scheduled_at=when,
                                          **post)
            return redirect("/scheduled", notice="post_scheduled")
        if attached(photos):
            await _post_with_photos(request, viewer.account, photos, post)
        else:
            async with ctx(request).db.write() as session:
                app = await web_application(session)
                await create_status(session, author=viewer.account, application_id=app.id, **post)
    except _PhotoRefused as refused:
        refused.photo.file_error = describe(refused.error)
        return again()
    except Invalid as exc:
        if exc.field == "poll" or (poll is not None and "poll" in exc.message.lower()):
            return again(poll_error=describe(exc))
        if exc.field == "scheduled_at" or "scheduled" in exc.message.lower():
            return again(options_error=describe(exc))
        return again(describe(exc))
    except (NotFound, Forbidden) as exc:
        return again(describe(exc))
    return redirect(next_url, notice="posted")


class _PhotoRefused(Exception):
    def __init__(self, photo: PhotoField, error: Invalid) -> None:
        super().__init__(error.message)
        self.photo, self.error = photo, error


class _AlreadyPosted(Exception):
    """The same form sent twice: the first post stands, this request's files go."""


async def _post_with_photos(request: Request, author: Account, photos: list[PhotoField], post: dict) -> None:
    """Files are processed and written before the unit of work opens (no image work inside
    SQLite's write lock); any failure after that, in the unit or at its commit, leaves the
    stack and removes them again, so a refused post leaves neither rows nor files."""
    settings, store = ctx(request).settings, media_store(request)
    try:
        async with AsyncExitStack() as stack:
            chosen = []
            for photo in attached(photos):
                upload = photo.file
                assert upload is not None
                await upload.seek(0)
                size = upload.size if upload.size is not None else len(await upload.read())
                await upload.seek(0)
                try:
                    stored = await stack.enter_async_context(stored_upload(
                        store, upload.file, size=size, max_bytes=settings.media_max_bytes,
                        max_pixels=settings.media_max_pixels))
                except Invalid as exc:
                    raise _PhotoRefused(photo, exc) from None
                chosen.append(Photo(upload=stored, description=photo.description or None))
            async with ctx(request).db.write() as session:
                app = await web_application(session)
                # A time to publish: the photos wait with the scheduled post (scheduling.with_uploads).
                make = schedule_status_with_uploads if "scheduled_at" in post else create_status_with_uploads
                _, used = await make(session, store=store, author=author, photos=chosen, application_id=app.id,
                                     **post)
            if not used:
                raise _AlreadyPosted()
    except _AlreadyPosted:
        # Raised inside the stack only so that stored_upload removes this request's copies of
        # the files; the post made by the first submission stands and is shown as posted.
        return
