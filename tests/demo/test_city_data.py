"""Invariants of the demo city's data (src/madang/demo/city.toml, read by madang.demo.city)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import regex

from madang.demo.city import CITY, DemoAccount, DemoCity, image_bytes, load_city, season_of

USERNAME_RE = re.compile(r"^[a-z0-9_]{1,30}$")
URL_RE = re.compile(r"https?://\S+")
MENTION_RE = re.compile(r"@([a-z0-9_]+)")
VISIBILITIES = {"public", "unlisted", "private", "direct"}

CITY_ACCOUNT = "anyanglove"
MAYOR = "choidaeho777"


def post_length(text: str) -> int:
    """Graphemes, with every http(s) URL counting 23."""
    urls = URL_RE.findall(text)
    rest = URL_RE.sub("", text)
    return len(regex.findall(r"\X", rest)) + 23 * len(urls)


def accounts() -> dict[str, DemoAccount]:
    return {a.username: a for a in CITY.accounts}


def posts_by_key():
    return {p.key: p for p in CITY.posts}


def citizens() -> list[DemoAccount]:
    return [a for a in CITY.accounts if a.username not in {CITY_ACCOUNT, MAYOR} and not a.admin]


def test_city_is_a_democity():
    assert isinstance(CITY, DemoCity)
    for name in ("accounts", "follows", "posts", "favourites", "reblogs", "logins"):
        assert isinstance(getattr(CITY, name), tuple), name


def test_post_length_helper():
    assert post_length("안녕하세요") == 5
    assert post_length("👍🏽") == 1
    assert post_length("블로그 https://anyang-tv.tistory.com/") == 4 + 23


# -- accounts -----------------------------------------------------------------


def test_usernames_valid_and_unique():
    names = [a.username for a in CITY.accounts]
    assert len(names) == len(set(names))
    for name in names:
        assert USERNAME_RE.match(name), name


def test_display_names_short_and_present():
    for a in CITY.accounts:
        assert a.display_name.strip(), a.username
        assert len(a.display_name) <= 30, a.username


def test_emails_use_example_domains_only():
    emails = [a.email for a in CITY.accounts]
    assert len(emails) == len(set(emails))
    for email in emails:
        local, _, domain = email.partition("@")
        assert local and domain in {"example.org", "anyang.example"}, email


def test_passwords_set():
    for a in CITY.accounts:
        assert len(a.password) >= 8, a.username


def test_city_account():
    city = accounts()[CITY_ACCOUNT]
    assert city.display_name == "안양시청/안양사랑"
    assert city.organisation and city.verified
    assert not city.locked and not city.bot
    assert "사랑방" in city.note


def test_mayor_account():
    mayor = accounts()[MAYOR]
    assert mayor.display_name == "최대호"
    assert mayor.note == "민주당 안양시장 후보 최대호"
    assert mayor.verified and not mayor.organisation


def test_about_fifty_citizens():
    assert 45 <= len(citizens()) <= 55


def test_one_locked_and_one_bot():
    assert len([a for a in CITY.accounts if a.locked]) == 1
    assert len([a for a in CITY.accounts if a.bot]) == 1
    assert not any(a.organisation for a in citizens())


def test_some_citizens_have_bios():
    assert sum(1 for a in citizens() if a.note) >= 5


def test_logins():
    names = accounts()
    assert CITY.logins[0] == CITY_ACCOUNT
    printed = [login.username for login in CITY.printed_logins()]
    assert len(printed) == len(set(printed)) and printed[:len(CITY.logins)] == list(CITY.logins)
    for login in CITY.printed_logins():
        assert login.password == names[login.username].password
    assert MAYOR in CITY.logins
    assert len(CITY.logins) == len(set(CITY.logins))
    assert any(n not in {CITY_ACCOUNT, MAYOR} for n in CITY.logins)
    for name in CITY.logins:
        assert name in names
        assert not names[name].bot and not names[name].locked


# -- follows ------------------------------------------------------------------


def test_follows_reference_accounts_and_are_unique():
    names = accounts()
    pairs = [(f.follower, f.followee) for f in CITY.follows]
    assert len(pairs) == len(set(pairs))
    for follower, followee in pairs:
        assert follower in names and followee in names
        assert follower != followee


def test_most_citizens_follow_the_city():
    followers = {f.follower for f in CITY.follows if f.followee == CITY_ACCOUNT}
    citizen_names = {a.username for a in citizens()}
    assert len(followers & citizen_names) >= 40


def test_some_follow_the_mayor_and_each_other():
    citizen_names = {a.username for a in citizens()}
    mayor_followers = {f.follower for f in CITY.follows if f.followee == MAYOR}
    assert len(mayor_followers & citizen_names) >= 5
    between = [
        f for f in CITY.follows if f.follower in citizen_names and f.followee in citizen_names
    ]
    assert len(between) >= 20


# -- posts --------------------------------------------------------------------


def test_post_keys_unique_and_authors_exist():
    names = accounts()
    keys = [p.key for p in CITY.posts]
    assert len(keys) == len(set(keys))
    for p in CITY.posts:
        assert p.author in names, p.key
        assert p.visibility in VISIBILITIES, p.key
        assert p.text.strip(), p.key
        assert p.ago > timedelta(0), p.key


def test_posts_in_chronological_order():
    agos = [p.ago for p in CITY.posts]
    assert agos == sorted(agos, reverse=True)


def test_replies_point_to_earlier_posts():
    seen: dict[str, object] = {}
    for p in CITY.posts:
        if p.in_reply_to is not None:
            assert p.in_reply_to in seen, p.key
            assert seen[p.in_reply_to].ago > p.ago, p.key
        seen[p.key] = p


def test_mentions_reference_accounts():
    names = accounts()
    for p in CITY.posts:
        for name in MENTION_RE.findall(p.text):
            assert name in names, (p.key, name)


def test_post_lengths():
    for p in CITY.posts:
        for text in (p.text, *(text for _, text in p.seasons)):
            assert post_length(text) <= 140, (p.key, post_length(text))
        assert post_length(p.spoiler_text) <= 140, p.key


def test_city_posts():
    city_posts = [p for p in CITY.posts if p.author == CITY_ACCOUNT]
    assert 10 <= len(city_posts) <= 20
    texts = [p.text for p in city_posts]
    assert any(t.startswith("안녕하십니까? 안양시청입니다.") for t in texts)
    assert any("https://anyang-tv.tistory.com/" in t for t in texts)
    assert any(p.in_reply_to is not None for p in city_posts)
    for tag in ("[문화]", "[복지]", "[교육]", "[교통]", "[강좌]", "[동네소식]"):
        assert any(tag in t for t in texts), tag


def test_mayor_last_post_is_41_days_old():
    mayor_posts = [p for p in CITY.posts if p.author == MAYOR]
    assert len(mayor_posts) >= 3
    assert min(p.ago for p in mayor_posts) == timedelta(days=41)


def test_lee_young_pyo_announcement():
    [visit] = [p for p in CITY.posts if "이영표선수가 오늘 안양시청에 와요" in p.text]
    assert visit.author == CITY_ACCOUNT
    assert "#anyang" in visit.text
    greetings = [
        p
        for p in CITY.posts
        if "이영표 선수가 최대호 안양시장님(@choidaeho777)과 인사하고 있네요" in p.text
    ]
    assert greetings and all(g.in_reply_to == visit.key for g in greetings)
    assert any("인증샷" in p.text and p.in_reply_to == visit.key for p in CITY.posts)


def test_buheung_congratulation():
    posts = [p for p in CITY.posts if "부흥중학교 여자축구부" in p.text and "우승" in p.text]
    assert any("@anyanglove" in p.text and p.author != CITY_ACCOUNT for p in posts)


def test_hashtags_and_mention_forms():
    texts = [p.text for p in CITY.posts]
    assert any("#안양" in t for t in texts)
    assert any("#anyang" in t for t in texts)
    assert any("문의@anyanglove" in t for t in texts)
    assert any("@anyanglove님" in t for t in texts)
    citizen_names = {a.username for a in citizens()}
    assert any(p.author in citizen_names and "#안양" in p.text for p in CITY.posts)


def test_visibility_and_content_warning_variety():
    visibilities = Counter(p.visibility for p in CITY.posts)
    assert visibilities["unlisted"] >= 1
    assert visibilities["private"] >= 1
    assert visibilities["public"] > len(CITY.posts) // 2
    assert any(p.spoiler_text for p in CITY.posts)


def test_private_post_belongs_to_locked_account():
    names = accounts()
    for p in CITY.posts:
        if p.visibility == "private":
            assert names[p.author].locked, p.key


# -- favourites and reblogs ---------------------------------------------------


def test_favourites():
    names = accounts()
    posts = posts_by_key()
    assert 40 <= len(CITY.favourites) <= 80
    pairs = [(f.account, f.post) for f in CITY.favourites]
    assert len(pairs) == len(set(pairs))
    for account, key in pairs:
        assert account in names, account
        assert key in posts, key
        assert posts[key].visibility in {"public", "unlisted"}, key
        assert posts[key].author != account, key
    on_city = sum(1 for _, key in pairs if posts[key].author == CITY_ACCOUNT)
    assert on_city > len(pairs) / 2


def test_reblogs():
    names = accounts()
    posts = posts_by_key()
    assert 10 <= len(CITY.reblogs) <= 20
    pairs = [(r.account, r.post) for r in CITY.reblogs]
    assert len(pairs) == len(set(pairs))
    for r in CITY.reblogs:
        assert r.account in names, r.account
        assert r.post in posts, r.post
        post = posts[r.post]
        assert post.visibility == "public", r.post
        assert post.author != r.account, r.post
        assert timedelta(0) < r.ago < post.ago, r.post
    on_city = sum(1 for r in CITY.reblogs if posts[r.post].author == CITY_ACCOUNT)
    assert on_city > len(CITY.reblogs) / 2


# -- purity -------------------------------------------------------------------


def test_data_is_frozen():
    import dataclasses

    import pytest

    with pytest.raises(dataclasses.FrozenInstanceError):
        CITY.accounts[0].username = "x"  # type: ignore[misc]


def test_no_other_madang_imports():
    import ast
    import inspect

    import madang.demo.city as module

    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("madang"), node.module
            assert node.level == 0
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("madang"), alias.name
                assert alias.name != "random"


# -- the data file, its images and the staff -----------------------------------

SUMMER_WORDS = ("폭염", "장맛비", "물놀이", "여름", "더위", "냉면", "무더위", "33도", "30도")


def test_the_city_is_read_from_a_packaged_data_file():
    """The content lives in city.toml (not Python), and pyproject packages it and its images, so an
    installed madang (not only this checkout) finds them."""
    import tomllib
    from fnmatch import fnmatch
    from importlib import resources
    from pathlib import Path

    folder = resources.files("madang.demo")
    assert folder.joinpath("city.toml").is_file()
    assert load_city(folder.joinpath("city.toml").read_text(encoding="utf-8")) == CITY
    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["madang"]
    package = root / "src/madang"
    data = [f for f in (package / "demo").rglob("*") if f.is_file() and f.suffix not in (".py", ".pyc")]
    assert {f.name for f in data} >= {"city.toml", "anyanglove.png", "leeyoungpyo-visit.jpg"}
    for f in data:
        relative = f.relative_to(package).as_posix()
        # setuptools' "**/*.x" also matches a file in a sub-folder at any depth
        assert any(fnmatch(relative, pattern) or fnmatch(relative, pattern.removeprefix("**/")) for pattern in patterns), \
            relative
    module = (package / "demo/city.py").read_text()
    assert len(module.splitlines()) < 300 and "이영표" not in module


def test_times_are_days_ago_at_a_seoul_time():
    city = load_city("""
[city]
account = "a"
mayor = "b"
citizen = "a"
citizen_password = "password-1"
logins = ["a"]
[[accounts]]
username = "a"
display_name = "A"
[[accounts]]
username = "b"
display_name = "B"
[follows]
city_follows = []
mayor_follows = []
not_following_city = []
following_mayor = []
between = []
[[posts]]
key = "k"
author = "a"
text = "t"
days_ago = 2
at = "09:30"
""")
    # "today" is 15:00 in Seoul: two days before, at 09:30, is 2 days 5 h 30 min earlier
    assert city.posts[0].ago == timedelta(days=2, hours=5, minutes=30)
    assert city.accounts[0].email == "a@example.org" and city.accounts[0].password == "password-1"


def test_seasons():
    from datetime import date

    assert [season_of(date(2026, m, 1)) for m in range(1, 13)] == (
        ["winter"] * 2 + ["spring"] * 3 + ["summer"] * 3 + ["autumn"] * 3 + ["winter"])


def test_seasonal_posts_have_a_text_for_every_season():
    from datetime import date

    seasonal = [p for p in CITY.posts if p.seasons]
    assert {p.key for p in seasonal} >= {"weather-1", "weather-2", "weather-3", "city-welfare", "city-event"}
    for p in seasonal:
        assert dict(p.seasons).keys() == {"spring", "autumn", "winter"}, p.key
        for season, text in p.seasons:
            assert not any(w in text for w in SUMMER_WORDS), (p.key, season, text)
        assert p.text_on(date(2026, 12, 7)) == dict(p.seasons)["winter"]
        assert p.text_on(date(2010, 7, 20)) == p.text
    # Whatever has no seasonal texts reads right in any season.
    for p in CITY.posts:
        if not p.seasons:
            assert not any(w in p.text for w in SUMMER_WORDS), (p.key, p.text)


def test_images_exist_and_the_city_has_an_avatar():
    names = accounts()
    assert names[CITY_ACCOUNT].avatar
    for a in CITY.accounts:
        if a.avatar:
            assert image_bytes(a.avatar)[:8] == b"\x89PNG\r\n\x1a\n", a.username
    [photo_post] = [p for p in CITY.posts if "사진 올려요" in p.text]
    assert photo_post.author == CITY_ACCOUNT and photo_post.media
    for m in photo_post.media:
        assert image_bytes(m.file)[:3] == b"\xff\xd8\xff" and m.description


def test_the_desk_staff_and_admins():
    names = accounts()
    codes = {code for code, _ in CITY.departments}
    assert codes == {"culture", "welfare", "education", "transport", "environment", "safety"}
    for s in CITY.staff:
        assert s.username in names and not names[s.username].organisation, s.username
        assert s.role in {"office_admin", "triager", "officer", "read_only"}
        assert (s.department in codes) if s.role == "officer" else s.department in (None, *codes)
        assert s.office_role in (None, "publisher", "approver", "responder", "read_only")
    roles = {s.role for s in CITY.staff}
    assert {"office_admin", "triager", "officer"} <= roles
    admins = [a for a in CITY.accounts if a.admin]
    assert len(admins) == 1 and not admins[0].organisation
    printed = {login.username for login in CITY.printed_logins()}
    assert {s.username for s in CITY.staff} | {a.username for a in admins} <= printed
    for service in CITY.services:
        assert service.department in codes, service.code
