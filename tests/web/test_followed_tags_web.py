"""Followed hashtags on the web: following from the tag page brings the tag's new public posts
to /home from people one does not follow; /settings/followed_tags lists them and unfollows."""

from __future__ import annotations

from tests.web.client import WebClient
from tests.web.social import person, post

TAG_URL = "/tags/%EA%B3%A8%EB%AA%A9"  # /tags/골목, as a browser sends it


def test_follow_a_tag_from_its_page_and_unfollow_it_in_settings(web_base: str) -> None:
    reader, shop = person(web_base, "tagreader"), person(web_base, "tagshop")
    post(shop, "팔로우 전의 #골목 글")

    page = reader.get("/tags/골목")
    assert page.status_code == 200 and "해시태그 팔로우</button>" in page.text
    assert f'action="{TAG_URL}/follow"' in page.text
    followed = reader.post(f"{TAG_URL}/follow")
    assert followed.status_code == 303 and followed.headers["location"].startswith(TAG_URL)
    after = reader.follow(followed)
    assert "해시태그를 팔로우했습니다." in after.text and "팔로우 중인 해시태그" in after.text
    assert f'action="{TAG_URL}/unfollow"' in after.text
    assert reader.post(f"{TAG_URL}/follow").status_code == 303  # twice is once

    post(shop, "골목에 새 빵집이 열었어요 #골목")
    post(shop, "태그 없는 가게 이야기")
    home = reader.get("/home").text
    assert "골목에 새 빵집이 열었어요" in home  # the reader does not follow tagshop
    assert "태그 없는 가게 이야기" not in home

    settings = reader.get("/settings/followed_tags")
    assert settings.status_code == 200 and 'aria-current="page">팔로우한 해시태그</a>' in settings.text
    assert f'href="{TAG_URL}"><strong>#골목</strong>' in settings.text
    unfollowed = reader.post("/settings/followed_tags/unfollow", {"name": "골목"})
    assert unfollowed.status_code == 303
    emptied = reader.follow(unfollowed).text
    assert "해시태그 팔로우를 취소했습니다." in emptied and "팔로우한 해시태그가 없습니다." in emptied
    assert "골목에 새 빵집이 열었어요" not in reader.get("/home").text
    assert "해시태그 팔로우</button>" in reader.get("/tags/골목").text

    # From the tag page too, and a name that is no hashtag is not found.
    reader.post(f"{TAG_URL}/follow")
    assert reader.post(f"{TAG_URL}/unfollow").status_code == 303
    assert "팔로우한 해시태그가 없습니다." in reader.get("/settings/followed_tags").text
    assert reader.post("/tags/a b!/follow").status_code == 404
    assert "팔로우한 해시태그가 없습니다." in reader.get("/settings/followed_tags").text


def test_guests_see_no_follow_button_and_cannot_follow(web_base: str) -> None:
    guest = WebClient(web_base)
    assert "해시태그 팔로우" not in guest.get("/tags/골목").text
    refused = guest.post(f"{TAG_URL}/follow")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/auth/sign_in")
    assert guest.get("/settings/followed_tags").status_code == 303
