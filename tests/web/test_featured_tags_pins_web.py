"""Featured hashtags and pinned posts on the web, on a real server over both databases: tags
added and removed in the settings (bad, repeated or an eleventh refused next to the field) and
shown on the profile; one's own posts pinned from their cards, a sixth pin refused in Korean
with nothing written, and unpinned."""

from __future__ import annotations

import re

from tests.web.social import api, person, post


def featured_section(html: str) -> str:
    found = re.search(r'<section class="featured-tags".*?</section>', html, re.S)
    return found.group(0) if found else ""


def pinned_ids(web, username: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = web.get(f"/@{username}").text
    found = re.search(r'<section aria-labelledby="pinned-title">(.*?)</section>', html, re.S)
    return re.findall(r'id="status-(\d+)"', found.group(1)) if found else []


def test_featured_hashtags_are_added_shown_and_removed(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    try:
        post(minji, "벚꽃이 피었어요 #안양천")
        post(minji, "다른 이야기 #수리산")
        page = minji.get("/settings/profile").text
        assert 'id="featured-tags"' in page and "추천 해시태그가 없습니다." in page

        added = minji.post("/settings/profile/featured_tags", {"name": "#안양천"})
        assert added.status_code == 303
        after = minji.follow(added).text
        assert "추천 해시태그를 추가했습니다." in after and "#안양천" in after and "글 1개" in after
        assert minji.post("/settings/profile/featured_tags", {"name": "수리산"}).status_code == 303

        shown = featured_section(jun.get("/@minji").text)
        assert "#안양천" in shown and "#수리산" in shown
        assert 'href="/@minji/tagged/%EC%95%88%EC%96%91%EC%B2%9C"' in shown
        # Mastodon's /@user/tagged/{tag}: only this account's posts with that tag.
        tagged = jun.get("/@minji/tagged/안양천")
        assert tagged.status_code == 200 and "벚꽃이 피었어요" in tagged.text and "다른 이야기" not in tagged.text
        assert 'aria-current="page">#안양천' in tagged.text
        assert jun.get("/@minji/tagged/안양 천").status_code == 404

        # Refused next to the field, what was typed kept, nothing added.
        for name, message in (("안양 천!", "올바른 해시태그가 아닙니다."), ("안양천", "이미 추천한 해시태그입니다.")):
            bad = minji.post("/settings/profile/featured_tags", {"name": name})
            assert bad.status_code == 422 and 'id="f-featured_tag-error"' in bad.text and message in bad.text
            assert f'value="{name}"' in bad.text
        for i in range(8):
            assert minji.post("/settings/profile/featured_tags", {"name": f"태그{i}"}).status_code == 303
        eleventh = minji.post("/settings/profile/featured_tags", {"name": "열한번째"})
        assert eleventh.status_code == 422 and "추천 해시태그는 10개까지 둘 수 있습니다." in eleventh.text
        with api(minji) as client:
            tags = client.get("/api/v1/featured_tags").json()
        assert len(tags) == 10

        # Removing: only one's own.
        first = next(t for t in tags if t["name"] == "안양천")
        assert jun.post(f"/settings/profile/featured_tags/{first['id']}/remove").status_code == 404
        removed = minji.post(f"/settings/profile/featured_tags/{first['id']}/remove")
        assert removed.status_code == 303 and "추천 해시태그를 뺐습니다." in minji.follow(removed).text
        assert "#안양천" not in featured_section(jun.get("/@minji").text)
        assert "#수리산" in featured_section(jun.get("/@minji").text)
    finally:
        minji.close()
        jun.close()


def test_own_posts_are_pinned_from_the_web_up_to_five(web_base: str) -> None:
    minji, jun = person(web_base, "minji"), person(web_base, "jun")
    try:
        ids = [post(minji, f"고정할 글 {i}") for i in range(6)]
        jun_post = post(jun, "준의 글")
        profile = minji.get("/@minji").text
        assert f'action="/statuses/{ids[0]}/pin"' in profile and "프로필에 고정" in profile
        assert f'/statuses/{ids[0]}/pin"' not in jun.get("/@minji").text  # others get no pin button
        assert f'/statuses/{jun_post}/pin"' not in minji.get("/@jun").text

        for sid in ids[:5]:
            pinned = minji.post(f"/statuses/{sid}/pin", {"next": "/@minji"})
            assert pinned.status_code == 303 and pinned.headers["location"] == f"/@minji#status-{sid}"
        assert sorted(pinned_ids(jun, "minji")) == sorted(ids[:5])  # shown to everyone
        page = minji.get("/@minji").text
        assert f'action="/statuses/{ids[0]}/unpin"' in page and 'id="pin-' in page

        sixth = minji.post(f"/statuses/{ids[5]}/pin", {"next": "/@minji"})
        assert sixth.status_code == 422 and "글은 5개까지 고정할 수 있습니다." in sixth.text
        assert ids[5] not in pinned_ids(jun, "minji")
        assert minji.post(f"/statuses/{jun_post}/pin", {"next": "/@jun"}).status_code == 422

        assert minji.post(f"/statuses/{ids[0]}/unpin", {"next": "/@minji"}).status_code == 303
        assert ids[0] not in pinned_ids(jun, "minji")
        assert minji.post(f"/statuses/{ids[5]}/pin", {"next": "/@minji"}).status_code == 303
        assert sorted(pinned_ids(jun, "minji")) == sorted(ids[1:])
    finally:
        minji.close()
        jun.close()
