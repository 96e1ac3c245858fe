"""Tag pages (`/tags/안양`): the public posts with a hashtag, newest first."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts.followed_tags import find_tag_named, followed_tag_ids
from madang.statuses.tag_families import family_tags
from madang.text import is_valid_tag, normalize
from madang.timelines.queries import list_tag_timeline
from madang.web.i18n import N_
from madang.web.problems import SignInRequired, WebProblem
from madang.web.routes.common import ctx, page_of
from madang.web.templating import render
from madang.web.viewer import load_viewer
from madang.web.views.statuses import status_cards

router = APIRouter()


@router.get("/tags/{name}")
async def tag_page(request: Request, name: str) -> Response:
    viewer = await load_viewer(request)
    # The path arrives percent-decoded (`/tags/%EC%95%88%EC%96%91` is `안양`); a `#` typed
    # into the address is not part of the name.
    tag = normalize(name).strip().lstrip("#＃")
    if not tag or len(tag) > 100 or not is_valid_tag(tag):
        raise WebProblem(404, N_("찾을 수 없습니다."))
    if viewer is None and not ctx(request).settings.public_timelines_open:
        raise SignInRequired()
    viewer_id = viewer.account.id if viewer else None
    page = page_of(request)
    async with ctx(request).db.read() as session:
        rows = await list_tag_timeline(session, tag_names=[tag], viewer_id=viewer_id, page=page)
        cards = await status_cards(session, rows, viewer_id, context="public")
        following = await _following(session, viewer_id, tag)
        family = await _family(session, tag)
    older = str(rows[-1].id) if len(rows) >= page.limit else None
    return render(request, "web/tag.html", tag=tag, statuses=cards, older=older, following=following, family=family)


async def _family(session, tag: str) -> list:  # type: ignore[no-untyped-def]
    """The other tags of this tag's family (decision 0063), named on the page."""
    row = await find_tag_named(session, tag)
    return [] if row is None else [t for t in await family_tags(session, row.id) if t.id != row.id]


async def _following(session, viewer_id: int | None, tag: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the reader follows this hashtag (its follow button; routes.followed_tags)."""
    if viewer_id is None:
        return False
    row = await find_tag_named(session, tag)
    return row is not None and bool(await followed_tag_ids(session, account_id=viewer_id, tag_ids=[row.id]))
