"""The city blog's page (/office/blog): the feeds the organisation follows, with their last check
and error; office admins add one (the address read once, a bad one refused next to the field),
pause, resume and remove them. New entries are posted by the `blog.poll` job."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.blog import feeds as blog_feeds
from madang.blog.polling import BlogConfig
from madang.core.errors import Conflict, Invalid
from madang.desk.organisations import ADMIN, VIEW
from madang.web.csrf import checked_form, text_field
from madang.web.messages import describe
from madang.web.routes.common import ctx, path_id, redirect, signed_in
from madang.web.routes.office_links import office_membership, office_organisation, org_param, with_org
from madang.web.templating import render
from madang.web.viewer import Viewer

router = APIRouter()


async def _page(request: Request, viewer: Viewer, org_name: str | None, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response:
    async with ctx(request).db.read() as session:
        membership = await office_membership(session, viewer, org_name, VIEW)
        rows = await blog_feeds.list_feeds(session, organisation=membership.organisation, staff=viewer.account)
    return render(request, "web/office_blog.html", status=status, org=membership.organisation, org_name=org_name,
                  rows=rows, is_admin=membership.member.role in ADMIN, intervals=blog_feeds.INTERVALS,
                  values=values or {"interval": str(blog_feeds.DEFAULT_INTERVAL)}, errors=errors or {})


@router.get("/office/blog")
async def blog_page(request: Request) -> Response:
    viewer = await signed_in(request)
    return await _page(request, viewer, org_param(request.query_params.get("org")))


@router.post("/office/blog")
async def add_feed(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    org_name = org_param(text_field(form, "org", limit=40))
    values = {"url": text_field(form, "url", limit=blog_feeds.MAX_URL_LENGTH + 1),
              "interval": text_field(form, "interval", limit=10)}
    context = ctx(request)
    config = BlogConfig.of(context.settings)
    # The role first, so that no one else can make the server fetch an address.
    async with context.db.read() as session:
        await office_organisation(session, viewer, org_name, ADMIN)
    try:
        interval = blog_feeds.check_interval(values["interval"])
        # Read once with no unit of work open (it waits on the network), then added in one unit.
        preview = await blog_feeds.preview_feed(values["url"], limits=config.limits)
        async with context.db.write() as session:
            org = await office_organisation(session, viewer, org_name, ADMIN)
            await blog_feeds.add_feed(session, organisation=org, staff=viewer.account, url=values["url"],
                                      preview=preview, interval_minutes=interval, job_payload=config.payload())
    except (Invalid, Conflict) as exc:
        field = exc.field if exc.field in values else "url"
        return await _page(request, viewer, org_name, values=values, errors={field: describe(exc)}, status=422)
    return redirect(with_org("/office/blog", org_name), notice="blog_added")


async def _change(request: Request, feed_id: str, action: str) -> Response:
    viewer = await signed_in(request)
    target = path_id(feed_id)
    form = await checked_form(request)
    org_name = org_param(text_field(form, "org", limit=40))
    async with ctx(request).db.write() as session:
        org = await office_organisation(session, viewer, org_name, ADMIN)
        if action == "remove":
            await blog_feeds.remove_feed(session, organisation=org, staff=viewer.account, feed_id=target)
        else:
            await blog_feeds.set_feed_active(session, organisation=org, staff=viewer.account, feed_id=target,
                                             active=action == "resume")
    notices = {"pause": "blog_paused", "resume": "blog_resumed", "remove": "blog_removed"}
    return redirect(with_org("/office/blog", org_name), notice=notices[action])


@router.post("/office/blog/{feed_id}/pause")
async def pause_feed(request: Request, feed_id: str) -> Response:
    return await _change(request, feed_id, "pause")


@router.post("/office/blog/{feed_id}/resume")
async def resume_feed(request: Request, feed_id: str) -> Response:
    return await _change(request, feed_id, "resume")


@router.post("/office/blog/{feed_id}/remove")
async def remove_feed(request: Request, feed_id: str) -> Response:
    return await _change(request, feed_id, "remove")
