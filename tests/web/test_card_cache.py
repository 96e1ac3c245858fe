"""Cards are rendered once and reused across readers: each page still carries its own reader's
CSRF token, its own way back, its own marks and the current counts."""

from __future__ import annotations

import re

from tests.web.client import WebClient


def _card(html: str, status_id: str) -> str:
    found = re.search(rf'<article[^>]*id="status-{status_id}".*?</article>', html, re.S)
    assert found, f"card {status_id} not on the page"
    return found.group(0)


def test_a_shared_card_carries_each_readers_token_marks_and_return_address(sqlite_web_base: str) -> None:
    author, first, second = (WebClient(sqlite_web_base) for _ in range(3))
    author.sign_up("cache_author")
    first.sign_up("cache_first")
    second.sign_up("cache_second")
    author.post("/statuses", {"status": "캐시된 카드 시험 #카드", "visibility": "public"})
    page = first.get("/tags/카드").text
    status_id = re.search(r'<article[^>]*id="status-(\d+)"', page).group(1)

    card_first = _card(page, status_id)
    card_second = _card(second.get("/tags/카드").text, status_id)
    assert f'value="{first.csrf}"' in card_first and first.csrf not in card_second
    assert f'value="{second.csrf}"' in card_second
    assert f'name="next" value="/tags/카드#status-{status_id}"' in card_first

    # The second reader favourites: the count moves for everyone, the mark only for them.
    answer = second.post(f"/statuses/{status_id}/favourite", {"next": "/tags/카드"})
    assert answer.status_code == 303
    mine = _card(second.get("/tags/카드").text, status_id)
    theirs = _card(first.get("/public/local").text, status_id)
    assert re.search(r'id="favourite-\d+" aria-pressed="true">[^<]*<span class="count">1<', mine)
    assert re.search(r'id="favourite-\d+" aria-pressed="false">[^<]*<span class="count">1<', theirs)
    assert 'name="next" value="/public/local#status-' in theirs
    # The author's own card offers deletion; the readers' do not.
    assert "/delete?next=/public/local" in _card(author.get("/public/local").text, status_id)
    assert "/delete" not in theirs
