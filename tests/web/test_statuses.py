"""A post's page with its thread, replies prefilled with mentions, and the card's actions
(favourite, boost, bookmark, delete) as plain forms and as htmx fragments."""

from __future__ import annotations

import re

from tests.web.client import WebClient
from tests.web.social import follow, person, post


def test_a_thread_shows_ancestors_the_post_and_replies_and_a_prefilled_reply(web_base: str) -> None:
    minji, jun, seoyeon = person(web_base, "minji"), person(web_base, "jun"), person(web_base, "seoyeon")
    root = post(minji, "안양천 산책로 어디가 좋을까요?")
    middle = post(jun, "@minji @seoyeon 비산동 쪽이 좋아요", in_reply_to=root)
    leaf = post(seoyeon, "@jun 저도 동의합니다", in_reply_to=middle)

    page = seoyeon.get(f"/@jun/{middle}")
    assert page.status_code == 200
    text = page.text
    # Ancestor above, the post (focused), the reply below: in reading order.
    assert text.index(f'id="status-{root}"') < text.index(f'id="status-{middle}"') < text.index(f'id="status-{leaf}"')
    assert 'class="status focused"' in text
    # Seoyeon's reply starts with the author and the others mentioned, never herself.
    draft = re.search(r'<textarea id="status-text"[^>]*>([^<]*)</textarea>', text).group(1)
    assert draft == "@jun @minji "
    assert f'name="in_reply_to_id" value="{middle}"' in text
    # The old-style link is a permanent redirect to the page.
    moved = seoyeon.get(f"/statuses/{middle}")
    assert moved.status_code == 301 and moved.headers["location"] == f"/@jun/{middle}"
    # A wrong account in the address goes to the right one.
    assert seoyeon.get(f"/@minji/{middle}").headers["location"] == f"/@jun/{middle}"

    # The compose page as a reply shows the post answered and the same mentions.
    compose = seoyeon.get(f"/compose?in_reply_to={middle}")
    assert compose.status_code == 200 and "답글을 달 글" in compose.text and "비산동 쪽이 좋아요" in compose.text
    assert ">@jun @minji </textarea>" in compose.text

    # Replying from the page comes back to it, with the reply shown.
    answer = minji.post("/statuses", {"status": "@jun 고마워요", "in_reply_to_id": middle, "visibility": "public",
                                      "next": f"/@jun/{middle}"})
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"/@jun/{middle}")
    assert "고마워요" in minji.follow(answer).text


def test_private_posts_and_bad_ids_are_404_pages(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    secret = post(minji, "팔로워에게만", visibility="private")
    guest = WebClient(sqlite_web_base)
    for path in (f"/@minji/{secret}", f"/statuses/{secret}", "/statuses/abc", "/@minji/123",
                 "/@minji/99999999999999999999999", "/statuses/12/card"):
        page = guest.get(path)
        assert page.status_code == 404 and "찾을 수 없습니다" in page.text, path
    assert jun.get("/compose?in_reply_to=999").status_code == 404
    assert jun.get(f"/@minji/{secret}").status_code == 404
    assert jun.get("/compose?in_reply_to=abc").status_code == 400
    follow(jun, "minji")
    assert jun.get(f"/@minji/{secret}").status_code == 200
    # Actions on ids that do not exist, or actions that do not exist.
    assert jun.post("/statuses/999/favourite", {"next": "/home"}).status_code == 404
    assert jun.post(f"/statuses/{secret}/frobnicate", {"next": "/home"}).status_code == 404
    # A followers-only post cannot be boosted by someone else: refused, nothing written.
    assert jun.post(f"/statuses/{secret}/reblog", {"next": "/home"}).status_code == 403
    text = jun.get(f"/@minji/{secret}").text
    assert f'id="reblog-{secret}"' not in text and "이 글은 부스트할 수 없습니다." in text


def _count(page: str, status_id: str, verb: str) -> tuple[str, str]:
    button = re.search(rf'id="{verb}-{status_id}" aria-pressed="(true|false)">[^<]*<span class="count">([\d,]+)', page)
    assert button, verb
    return button.group(1), button.group(2)


def test_favourite_boost_and_bookmark_are_plain_forms_and_idempotent(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    sid = post(minji, "시청 앞 벚꽃이 피었어요")
    page = f"/@minji/{sid}"
    assert _count(jun.get(page).text, sid, "favourite") == ("false", "0")

    done = jun.post(f"/statuses/{sid}/favourite", {"next": f"/public/local#status-{sid}"})
    assert done.status_code == 303 and done.headers["location"] == f"/public/local#status-{sid}"
    jun.post(f"/statuses/{sid}/favourite", {"next": page})  # twice: still one favourite
    assert _count(jun.get(page).text, sid, "favourite") == ("true", "1")
    assert _count(minji.get(page).text, sid, "favourite") == ("false", "1")

    jun.post(f"/statuses/{sid}/reblog", {"next": page})
    jun.post(f"/statuses/{sid}/reblog", {"next": page})
    assert _count(jun.get(page).text, sid, "reblog") == ("true", "1")
    jun.post(f"/statuses/{sid}/unreblog", {"next": page})
    jun.post(f"/statuses/{sid}/unfavourite", {"next": page})
    jun.post(f"/statuses/{sid}/unfavourite", {"next": page})
    text = jun.get(page).text
    assert _count(text, sid, "reblog") == ("false", "0") and _count(text, sid, "favourite") == ("false", "0")

    # Bookmarks: on the page, newest first, and gone when undone.
    older = post(minji, "오래된 글")
    jun.post(f"/statuses/{sid}/bookmark", {"next": page})
    jun.post(f"/statuses/{older}/bookmark", {"next": page})
    marks = jun.get("/bookmarks")
    assert marks.status_code == 200 and 'aria-pressed="true">북마크' in marks.text
    assert marks.text.index(f'id="status-{older}"') < marks.text.index(f'id="status-{sid}"')
    jun.post(f"/statuses/{older}/unbookmark", {"next": "/bookmarks"})
    assert f'id="status-{older}"' not in jun.get("/bookmarks").text


def test_htmx_gets_only_the_footer_and_csrf_is_required(sqlite_web_base: str) -> None:
    minji, jun = person(sqlite_web_base, "minji"), person(sqlite_web_base, "jun")
    sid = post(minji, "htmx 시험")
    jun.get(f"/@minji/{sid}")
    fragment = jun.post(f"/statuses/{sid}/favourite", {"next": f"/@minji/{sid}"},
                        headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "<article" not in fragment.text
    assert _count(fragment.text, sid, "favourite") == ("true", "1")
    assert f'action="/statuses/{sid}/unfavourite"' in fragment.text
    assert f'value="/@minji/{sid}#status-{sid}"' in fragment.text

    # Without the token (or with another one) nothing happens.
    assert jun.post(f"/statuses/{sid}/unfavourite", {"next": "/home"}, csrf=False).status_code == 403
    assert jun.post(f"/statuses/{sid}/bookmark", {"csrf_token": "x" * 43}).status_code == 403
    assert minji.post(f"/statuses/{sid}/delete", {"next": "/home"}, csrf=False).status_code == 403
    text = jun.get(f"/@minji/{sid}").text
    assert _count(text, sid, "favourite") == ("true", "1") and 'id="bookmark-' in text
    assert 'aria-pressed="true">북마크' not in text


def test_deleting_ones_own_post_asks_first_and_hides_it_from_everyone(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    sid = post(minji, "지울 글입니다")
    assert 'href="/statuses/%s/delete' % sid in minji.get(f"/@minji/{sid}").text
    assert "/delete" not in jun.get(f"/@minji/{sid}").text.split('class="status-actions"')[1].split("</footer>")[0]
    assert jun.get(f"/statuses/{sid}/delete").status_code == 403
    assert jun.post(f"/statuses/{sid}/delete", {"next": "/home"}).status_code == 403

    confirm = minji.get(f"/statuses/{sid}/delete?next=/home")
    assert confirm.status_code == 200 and "이 글을 삭제할까요?" in confirm.text
    done = minji.post(f"/statuses/{sid}/delete", {"next": f"/@minji/{sid}"})
    assert done.status_code == 303 and done.headers["location"].startswith("/@minji?notice=deleted")
    assert minji.get(f"/@minji/{sid}").status_code == 404
    assert WebClient(web_base).get(f"/statuses/{sid}").status_code == 404
    assert minji.post(f"/statuses/{sid}/delete", {"next": "/home"}).status_code == 404  # once only

    # The htmx way answers with a small notice in place of the card.
    other = post(minji, "이것도 지웁니다")
    gone = minji.post(f"/statuses/{other}/delete", {}, headers={"HX-Request": "true"})
    assert gone.status_code == 200 and "삭제했습니다" in gone.text and "<html" not in gone.text
