"""Invariants of the demo city's data (src/madang/demo/city.py)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import regex

from madang.demo.city import CITY, DemoAccount, DemoCity

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
    return [a for a in CITY.accounts if a.username not in {CITY_ACCOUNT, MAYOR}]


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
        assert post_length(p.text) <= 140, (p.key, post_length(p.text))
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
