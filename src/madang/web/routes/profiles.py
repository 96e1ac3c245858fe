"""Profile pages (`/@username`), their follower lists, and following, blocking and muting from them."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from madang.accounts import (
    block_account,
    follow_account,
    get_account,
    list_followers,
    list_following,
    mute_account,
    unblock_account,
    unfollow_account,
    unmute_account,
)
from madang.accounts.featured_tags import list_featured_tags
from madang.accounts.profiles import render_field_html
from madang.core.errors import Forbidden, Invalid
from madang.text.tags import is_valid_tag
from madang.web.csrf import checked_form, text_field
from madang.web.i18n import N_
from madang.web.messages import describe
from madang.web.problems import WebProblem
from madang.web.routes.common import ctx, id_param, page_of, redirect, safe_next, signed_in
from madang.web.templating import render
from madang.web.viewer import Viewer, load_viewer
from madang.web.views.accounts import account_card
from madang.web.views.profiles import (
    TABS,
    get_local_account,
    get_profile_account,
    joined_on,
    profile_statuses,
    relationship_to,
    relationships_to,
    tagged_tab,
)
from madang.media.custom_emojis import emojis_of_account
from madang.web.views.emoji import emojify_html, emojify_text
from madang.web.views.statuses import safe_html

router = APIRouter()
LIST_SIZE = 40
# Mute lengths offered on the confirmation page, in seconds (0: until unmuted).
MUTE_DURATIONS = (0, 3600, 86400, 7 * 86400)


async def _profile(request: Request, username: str, tab_key: str, *, tag: str | None = None) -> Response:
    viewer = await load_viewer(request)
    me = viewer.account if viewer else None
    page = page_of(request)
    tab = tagged_tab(tag) if tag is not None else TABS[tab_key]
    async with ctx(request).db.read() as session:
        account = await get_profile_account(session, username)
        rel = await relationship_to(session, me, account)
        pinned, cards, older = await profile_statuses(session, account=account, viewer_id=me.id if me else None,
                                                      tab=tab, page=page)
        emojis = await emojis_of_account(session, account) if account.emoji_shortcodes else ()
        featured = await list_featured_tags(session, account_id=account.id)
    settings = ctx(request).settings
    # A remote account's values arrive as (sanitised) HTML; a local one's are text rendered as posts are.
    fields = [{"name": f.get("name", ""), "verified_at": f.get("verified_at"),
               "value_html": safe_html(f.get("value", "") if account.domain
                                       else render_field_html(f.get("value", ""), base_url=settings.base_url))}
              for f in account.fields or []]
    card = account_card(account)
    if emojis:  # custom emoji in the name and bio (decision 0043)
        card["name_html"] = emojify_text(card["name"], emojis)
    return render(request, "web/profile.html", account=card,
                  bio=emojify_html(safe_html(account.note_html or ""), emojis),
                  joined=joined_on(account.created_at, settings.time_zone), rel=rel, tabs=TABS.values(), tab=tab,
                  pinned=pinned, statuses=cards, older=older, own=me is not None and me.id == account.id,
                  fields=fields, featured_tags=featured)


@router.get("/@{username}")
async def profile(request: Request, username: str) -> Response:
    return await _profile(request, username, "posts")


@router.get("/@{username}/with_replies")
async def profile_with_replies(request: Request, username: str) -> Response:
    return await _profile(request, username, "with_replies")


@router.get("/@{username}/media")
async def profile_media(request: Request, username: str) -> Response:
    return await _profile(request, username, "media")


@router.get("/@{username}/tagged/{tag}")
async def profile_tagged(request: Request, username: str, tag: str) -> Response:
    if not is_valid_tag(tag):
        raise WebProblem(404, N_("찾을 수 없습니다."))
    return await _profile(request, username, "tagged", tag=tag)


async def _account_list(request: Request, username: str, which: str) -> Response:
    viewer = await load_viewer(request)
    me = viewer.account if viewer else None
    max_id = id_param(request, "max_id")
    lister = list_followers if which == "followers" else list_following
    async with ctx(request).db.read() as session:
        account = await get_local_account(session, username)
        rows = await lister(session, account=account, viewer=me, max_id=max_id, limit=LIST_SIZE)
        rels = await relationships_to(session, me, [a for _, a in rows])
    older = str(rows[-1][0]) if len(rows) >= LIST_SIZE else None
    return render(request, "web/account_list.html", account=account_card(account), which=which,
                  accounts=[(account_card(a), rels.get(a.id)) for _, a in rows], older=older)


@router.get("/@{username}/followers")
async def followers(request: Request, username: str) -> Response:
    return await _account_list(request, username, "followers")


@router.get("/@{username}/following")
async def following(request: Request, username: str) -> Response:
    return await _account_list(request, username, "following")


async def _act(request: Request, viewer: Viewer, username: str, action: str, **options: object) -> Response:
    """Run one follow/block/mute use case on a fresh copy of both accounts; answer htmx
    with the new follow button, a plain form with a redirect and a notice."""
    form = await checked_form(request)
    async with ctx(request).db.write() as session:
        me = await get_account(session, viewer.account.id)
        target = await get_profile_account(session, username)  # remote accounts too (federation)
        try:
            notice = await _ACTIONS[action](session, me, target, **options)
        except (Invalid, Forbidden) as exc:
            raise WebProblem(400 if isinstance(exc, Invalid) else 403, describe(exc)) from None
        rel = await relationship_to(session, me, target) if request.headers.get("hx-request") else None
    next_url = safe_next(form.get("next"), f"/@{target.acct}")
    if rel is not None:
        return render(request, "web/_follow_button.html", target=account_card(target), rel=rel, next=next_url,
                      announce=notice)
    return redirect(next_url, notice=notice)


async def _follow(session, me, target) -> str:  # type: ignore[no-untyped-def]
    result = await follow_account(session, account=me, target=target)
    return "follow_requested" if result.requested else "followed"


async def _unfollow(session, me, target) -> str:  # type: ignore[no-untyped-def]
    await unfollow_account(session, account=me, target=target)
    return "unfollowed"


async def _block(session, me, target) -> str:  # type: ignore[no-untyped-def]
    await block_account(session, account=me, target=target)
    return "blocked"


async def _unblock(session, me, target) -> str:  # type: ignore[no-untyped-def]
    await unblock_account(session, account=me, target=target)
    return "unblocked"


async def _mute(session, me, target, *, notifications: bool, duration: int) -> str:  # type: ignore[no-untyped-def]
    await mute_account(session, account=me, target=target, notifications=notifications, duration=duration)
    return "muted"


async def _unmute(session, me, target) -> str:  # type: ignore[no-untyped-def]
    await unmute_account(session, account=me, target=target)
    return "unmuted"


_ACTIONS = {"follow": _follow, "unfollow": _unfollow, "block": _block, "unblock": _unblock, "mute": _mute,
            "unmute": _unmute}


@router.post("/@{username}/follow")
async def follow(request: Request, username: str) -> Response:
    return await _act(request, await signed_in(request), username, "follow")


@router.post("/@{username}/unfollow")
async def unfollow(request: Request, username: str) -> Response:
    return await _act(request, await signed_in(request), username, "unfollow")


async def _confirm_page(request: Request, username: str, template: str) -> Response:
    viewer = await signed_in(request)
    async with ctx(request).db.read() as session:
        account = await get_profile_account(session, username)
    if account.id == viewer.account.id:
        raise WebProblem(400, N_("자기 자신에게는 할 수 없습니다."))
    return render(request, template, account=account_card(account), durations=MUTE_DURATIONS)


@router.get("/@{username}/block")
async def confirm_block(request: Request, username: str) -> Response:
    return await _confirm_page(request, username, "web/confirm_block.html")


@router.post("/@{username}/block")
async def block(request: Request, username: str) -> Response:
    return await _act(request, await signed_in(request), username, "block")


@router.post("/@{username}/unblock")
async def unblock(request: Request, username: str) -> Response:
    return await _act(request, await signed_in(request), username, "unblock")


@router.get("/@{username}/mute")
async def confirm_mute(request: Request, username: str) -> Response:
    return await _confirm_page(request, username, "web/confirm_mute.html")


@router.post("/@{username}/mute")
async def mute(request: Request, username: str) -> Response:
    viewer = await signed_in(request)
    form = await checked_form(request)
    duration = text_field(form, "duration", limit=20)
    if not (duration.isascii() and duration.isdigit()) or len(duration) > 9 or int(duration) not in MUTE_DURATIONS:
        duration = "0"
    return await _act(request, viewer, username, "mute", notifications=form.get("notifications") == "1",
                      duration=int(duration))


@router.post("/@{username}/unmute")
async def unmute(request: Request, username: str) -> Response:
    return await _act(request, await signed_in(request), username, "unmute")
