"""Lists on the web: a citizen makes and renames a list, puts someone they follow on it from
their profile, reads the list, hides its members from home, picks which replies show, takes
the member off and deletes the list; another citizen's list is not there for anyone else."""

from __future__ import annotations

import re

from tests.web.client import WebClient
from tests.web.social import account_id, person, post


def _list_id(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text[:500]
    found = re.match(r"/lists/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def _follow(web: WebClient, username: str) -> None:
    web.get(f"/@{username}")
    assert web.post(f"/@{username}/follow").status_code == 303


def test_a_list_from_making_to_deleting(web_base: str) -> None:
    reader, writer, other = person(web_base, "lreader"), person(web_base, "lwriter"), person(web_base, "lother")
    _follow(reader, "lwriter")
    _follow(reader, "lother")

    start = reader.get("/lists")
    assert start.status_code == 200 and "아직 리스트가 없습니다." in start.text
    assert 'href="/lists" aria-current="page"' in start.text  # the nav's 리스트 link
    assert '<label for="f-title">리스트 이름</label>' in start.text

    made = reader.post("/lists", {"title": "  동네 소식 ", "replies_policy": "list"})
    list_id = _list_id(made)
    page = reader.follow(made)
    assert page.status_code == 200 and "리스트를 만들었습니다." in page.text and "<h1>동네 소식</h1>" in page.text
    assert "아직 멤버가 없습니다." in page.text and "리스트 멤버의 글이 여기에 나옵니다." in page.text

    renamed = reader.post(f"/lists/{list_id}", {"title": "우리 동네", "replies_policy": "list"})
    assert renamed.status_code == 303
    assert "<h1>우리 동네</h1>" in reader.follow(renamed).text
    assert 'href="/lists/%s"><strong>우리 동네</strong>' % list_id in reader.get("/lists").text

    # From the writer's profile: the list page of the account, then its add button.
    profile = reader.get("/@lwriter")
    assert 'href="/@lwriter/lists"' in profile.text and "리스트에 추가·제거" in profile.text
    choose = reader.get("/@lwriter/lists")
    assert choose.status_code == 200 and "우리 동네" in choose.text and "리스트에 넣기" in choose.text
    writer_id = account_id(reader, "lwriter")
    added = reader.post(f"/lists/{list_id}/accounts/add", {"account_id": writer_id, "next": "/@lwriter/lists"})
    assert added.status_code == 303 and added.headers["location"].startswith("/@lwriter/lists")
    after = reader.follow(added)
    assert "리스트에 넣었습니다." in after.text and "들어 있음" in after.text and "리스트에서 빼기" in after.text
    # A second click changes nothing and is not an error.
    assert reader.post(f"/lists/{list_id}/accounts/add", {"account_id": writer_id}).status_code == 303

    post(writer, "리스트에 나올 골목 소식")
    post(other, "리스트 밖의 이야기")
    on_list = reader.get(f"/lists/{list_id}")
    assert "리스트에 나올 골목 소식" in on_list.text and "리스트 밖의 이야기" not in on_list.text
    assert "@lwriter" in on_list.text and 'role="feed"' in on_list.text
    assert "리스트에 나올 골목 소식" in reader.get("/home").text  # not exclusive yet

    # Exclusive: the member's posts leave home and stay on the list.
    assert reader.post(f"/lists/{list_id}", {"title": "우리 동네", "replies_policy": "list",
                                              "exclusive": "1"}).status_code == 303
    home = reader.get("/home").text
    assert "리스트에 나올 골목 소식" not in home and "리스트 밖의 이야기" in home
    shown = reader.get(f"/lists/{list_id}").text
    assert "리스트에 나올 골목 소식" in shown and "홈에서 숨김" in shown
    assert re.search(r'name="exclusive" value="1"[^>]*checked', shown)

    # Replies to someone not on the list: hidden under "list" and "none", shown under "followed".
    first = post(other, "질문 하나 있어요")
    post(writer, "@lother 그 답은 이렇습니다", in_reply_to=first)
    assert "그 답은 이렇습니다" not in reader.get(f"/lists/{list_id}").text
    reader.post(f"/lists/{list_id}", {"title": "우리 동네", "replies_policy": "followed", "exclusive": "1"})
    assert "그 답은 이렇습니다" in reader.get(f"/lists/{list_id}").text
    reader.post(f"/lists/{list_id}", {"title": "우리 동네", "replies_policy": "none", "exclusive": "1"})
    none = reader.get(f"/lists/{list_id}").text
    assert "그 답은 이렇습니다" not in none and "리스트에 나올 골목 소식" in none
    assert re.search(r'value="none" checked', none)

    # Someone else's list is not found, and nothing of it changes.
    assert other.get(f"/lists/{list_id}").status_code == 404
    assert other.post(f"/lists/{list_id}", {"title": "가로채기", "replies_policy": "list"}).status_code == 404
    assert other.post(f"/lists/{list_id}/accounts/remove", {"account_id": writer_id}).status_code == 404
    assert other.post(f"/lists/{list_id}/delete").status_code == 404
    assert "찾을 수 없습니다." in other.get(f"/lists/{list_id}").text
    kept = reader.get(f"/lists/{list_id}").text
    assert "<h1>우리 동네</h1>" in kept and "리스트에 나올 골목 소식" in kept

    # Taking the member off: off the list, back on home.
    removed = reader.post(f"/lists/{list_id}/accounts/remove", {"account_id": writer_id})
    assert removed.status_code == 303
    emptied = reader.follow(removed).text
    assert "리스트에서 뺐습니다." in emptied and "리스트에 나올 골목 소식" not in emptied
    assert "리스트에 나올 골목 소식" in reader.get("/home").text

    deleted = reader.post(f"/lists/{list_id}/delete")
    assert deleted.status_code == 303 and deleted.headers["location"].startswith("/lists")
    assert "아직 리스트가 없습니다." in reader.follow(deleted).text
    assert reader.get(f"/lists/{list_id}").status_code == 404


def test_bad_input_is_refused_in_korean_and_nothing_is_written(web_base: str) -> None:
    owner, stranger = person(web_base, "bowner"), person(web_base, "bstranger")
    person(web_base, "bfriend")
    _follow(owner, "bfriend")

    blank = owner.post("/lists", {"title": "   ", "replies_policy": "list"})
    assert blank.status_code == 422 and "리스트 이름을 입력해 주세요." in blank.text
    assert re.search(r'id="f-title"[^>]*aria-invalid="true" aria-describedby="f-title-error"', blank.text)
    long = owner.post("/lists", {"title": "가" * 256, "replies_policy": "list"})
    assert long.status_code == 422 and "리스트 이름은 255자까지 쓸 수 있습니다." in long.text
    policy = owner.post("/lists", {"title": "이상한 설정", "replies_policy": "everyone"})
    assert policy.status_code == 422 and "답글 표시 방식을 목록에서 골라 주세요." in policy.text
    assert "아직 리스트가 없습니다." in owner.get("/lists").text

    list_id = _list_id(owner.post("/lists", {"title": "친구들", "replies_policy": "followed"}))
    renamed_blank = owner.post(f"/lists/{list_id}", {"title": "", "replies_policy": "followed"})
    assert renamed_blank.status_code == 422 and "리스트 이름을 입력해 주세요." in renamed_blank.text
    assert "<h1>친구들</h1>" in owner.get(f"/lists/{list_id}").text

    # Someone one does not follow, or no account at all: a 422 next to the members, nothing added.
    for bad in (account_id(owner, "bstranger"), "12345", "abc"):
        refused = owner.post(f"/lists/{list_id}/accounts/add", {"account_id": bad})
        assert refused.status_code == 422 and "내가 팔로우하는 계정만 리스트에 넣을 수 있습니다." in refused.text
    assert "아직 멤버가 없습니다." in owner.get(f"/lists/{list_id}").text
    not_following = owner.get("/@bstranger/lists")
    assert "내가 팔로우하는 계정만 리스트에 넣을 수 있습니다." in not_following.text
    assert "리스트에 넣기" not in not_following.text
    assert 'href="/@bstranger/lists"' not in owner.get("/@bstranger").text

    # Searching among followed accounts finds the friend, never the stranger.
    found = owner.get(f"/lists/{list_id}", params={"q": "bfriend"})
    assert "@bfriend" in found.text and "리스트에 넣기" in found.text
    assert "팔로우하는 계정 중에서 찾지 못했습니다." in owner.get(f"/lists/{list_id}", params={"q": "bstranger"}).text
    assert owner.post(f"/lists/{list_id}/accounts/add",
                      {"account_id": account_id(owner, "bfriend")}).status_code == 303
    assert "이미 멤버입니다" in owner.get(f"/lists/{list_id}", params={"q": "bfriend"}).text

    # Unknown lists: not found, whatever the verb.
    for missing in ("999999999", "nope"):
        assert owner.get(f"/lists/{missing}").status_code == 404
        assert owner.post(f"/lists/{missing}", {"title": "x", "replies_policy": "list"}).status_code == 404
        assert owner.post(f"/lists/{missing}/accounts/add", {"account_id": "1"}).status_code == 404
    # Signed out: to the sign-in page.
    guest = WebClient(web_base).get("/lists")
    assert guest.status_code == 303 and guest.headers["location"].startswith("/auth/sign_in")
    assert stranger.get(f"/lists/{list_id}").status_code == 404


def test_list_pages_in_english(sqlite_web_base: str) -> None:
    web = person(sqlite_web_base, "enlists", accept_language="en-US,en;q=0.9")
    page = web.get("/lists")
    assert "You have no lists yet." in page.text and ">Lists</a>" in page.text
    refused = web.post("/lists", {"title": "", "replies_policy": "list"})
    assert refused.status_code == 422 and "Please enter a list name." in refused.text


def test_a_list_timeline_pages_by_max_id(sqlite_web_base: str) -> None:
    reader, writer = person(sqlite_web_base, "preader"), person(sqlite_web_base, "pwriter")
    _follow(reader, "pwriter")
    list_id = _list_id(reader.post("/lists", {"title": "많이 쓰는 사람", "replies_policy": "list"}))
    reader.post(f"/lists/{list_id}/accounts/add", {"account_id": account_id(reader, "pwriter")})
    for n in range(21):
        post(writer, f"목록 글 {n}호")
    first = reader.get(f"/lists/{list_id}").text
    older = re.search(r'href="\?max_id=(\d+)" rel="next"', first)
    assert older and "목록 글 20호" in first and "목록 글 0호" not in first
    second = reader.get(f"/lists/{list_id}?max_id={older.group(1)}").text
    assert "목록 글 0호" in second and "목록 글 20호" not in second
    assert reader.get(f"/lists/{list_id}?max_id=x").status_code == 400
