import unicodedata

import pytest

from madang.text import HashtagToken, MentionToken, UrlToken, normalize, parse


def accts(text: str) -> list[str]:
    return [m.acct for m in parse(text).mentions]


def tags(text: str) -> list[str]:
    return [t.name for t in parse(text).hashtags]


def urls(text: str) -> list[str]:
    return [u.url for u in parse(text).urls]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@anyanglove", ["anyanglove"]),
        ("문의@anyanglove", ["anyanglove"]),
        ("@anyanglove님 안녕하세요", ["anyanglove"]),
        ("@anyanglove님, @seoul_city님", ["anyanglove", "seoul_city"]),
        ("@AnyangLove", ["AnyangLove"]),
        ("@user@example.org", ["user@example.org"]),
        ("@User@Example.ORG 님", ["User@example.org"]),
        ("@user@mastodon.example.org.", ["user@mastodon.example.org"]),
        ("@user@example.org님", ["user@example.org"]),
        ("(@user)", ["user"]),
        ("@first.last", ["first.last"]),
        ("@first-last", ["first-last"]),
        ("@user.", ["user"]),
        ("@user-", ["user"]),
        ("東京@tokyo", ["tokyo"]),
        # Addresses stay addresses.
        ("kim@anyang.go.kr", []),
        ("kim.lee@anyang.go.kr", []),
        ("a@b.com", []),
        ("문의: kim_1@anyang.go.kr", []),
        ("x-y@example.org", []),
        # Not mentions.
        ("@", []),
        ("@@user", []),
        ("@.user", []),
        ("@josé", []),
        ("é@user", []),
        ("@user@localhost", []),
        ("@user@", []),
        ("https://mastodon.social/@Gargron", []),
    ],
)
def test_mentions(text: str, expected: list[str]) -> None:
    assert accts(text) == expected


def test_mention_token_fields() -> None:
    parsed = parse("문의@Anyang@Example.ORG님")
    assert parsed.mentions == (MentionToken("Anyang", "example.org", 2, 21),)
    assert parsed.mentions[0].acct == "Anyang@example.org"
    assert parsed.text[2:21] == "@Anyang@Example.ORG"
    assert parse("@anyanglove").mentions[0].domain is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("안녕하세요 #안양", ["안양"]),
        ("#안양", ["안양"]),
        ("＃안양", ["안양"]),
        ("#1위", ["1위"]),
        ("#2010", []),
        ("#2010년", ["2010년"]),
        ("#anyang #Anyang #ANYANG", ["anyang", "Anyang", "ANYANG"]),
        ("#안양시청, #평촌.", ["안양시청", "평촌"]),
        ("(#안양)", ["안양"]),
        ("\"#안양\"", ["안양"]),
        ("❤️#안양", ["안양"]),
        ("#안양🌸", ["안양"]),
        ("#서울·경기", ["서울·경기"]),
        ("#서울·경기·", ["서울·경기"]),
        ("#東京・大阪", ["東京・大阪"]),
        ("#می\u200cخواهم", ["می\u200cخواهم"]),
        ("#tag_", ["tag_"]),
        ("#_tag", ["_tag"]),
        ("#Москва", ["Москва"]),
        ("#안양#평촌", ["안양"]),
        # Glued to a word: not a tag (Hangul included, as Mastodon).
        ("abc#tag", []),
        ("C#", []),
        ("안녕#안양", []),
        # Not tags for other reasons.
        ("#", []),
        ("# 안양", []),
        ("#·안양", []),
        ("&#39;", []),
        ("&#x27;", []),
        ("http://example.org/#frag", []),
        ("https://example.org/path#안양", []),
    ],
)
def test_hashtags(text: str, expected: list[str]) -> None:
    assert tags(text) == expected


def test_hashtag_token_fields() -> None:
    parsed = parse("안녕 ＃Anyang")
    assert parsed.hashtags == (HashtagToken("Anyang", "anyang", 3, 10),)
    assert parsed.text[3:10] == "＃Anyang"


def test_hashtag_keys_are_shared_across_case_and_width() -> None:
    keys = {t.key for t in parse("#anyang #Anyang #ANYANG #ａｎｙａｎｇ ＃Anyang").hashtags}
    assert keys == {"anyang"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://anyang.go.kr", ["https://anyang.go.kr"]),
        ("http://anyang.go.kr/", ["http://anyang.go.kr/"]),
        ("https://anyang.go.kr에서 확인", ["https://anyang.go.kr"]),
        ("https://anyang.go.kr/notice/1에서", ["https://anyang.go.kr/notice/1"]),
        ("홈페이지https://anyang.go.kr", ["https://anyang.go.kr"]),
        ("보세요: https://anyang.go.kr.", ["https://anyang.go.kr"]),
        ("https://anyang.go.kr/a, https://anyang.go.kr/b", ["https://anyang.go.kr/a", "https://anyang.go.kr/b"]),
        ("https://example.org/really?", ["https://example.org/really"]),
        ("https://example.org/wow!", ["https://example.org/wow"]),
        ("(https://example.org/x)", ["https://example.org/x"]),
        ("https://en.wikipedia.org/wiki/Anyang_(city)", ["https://en.wikipedia.org/wiki/Anyang_(city)"]),
        ("(https://en.wikipedia.org/wiki/Anyang_(city))", ["https://en.wikipedia.org/wiki/Anyang_(city)"]),
        ("https://ko.wikipedia.org/wiki/%EC%95%88%EC%96%91%EC%8B%9C", ["https://ko.wikipedia.org/wiki/%EC%95%88%EC%96%91%EC%8B%9C"]),
        ("https://café.example/crème", ["https://café.example/crème"]),
        ("https://example.org:8443/a?b=1&c=2#d", ["https://example.org:8443/a?b=1&c=2#d"]),
        ("https://example.org/a…", ["https://example.org/a"]),
        ("「https://example.org」", ["https://example.org"]),
        ("HTTPS://EXAMPLE.ORG", ["HTTPS://EXAMPLE.ORG"]),
        ("https://example.org/@user#tag", ["https://example.org/@user#tag"]),
        ("ftp://example.org", []),
        ("https://localhost", []),
        ("https://", []),
        ("xhttps://example.org", []),
        ("javascript:alert(1)", []),
        # Hosts a browser refuses are not links.
        ("https://example.org:99999/", []),
        ("https://999.999.999.999/", []),
        ("https://1.2.3.4/", ["https://1.2.3.4/"]),
    ],
)
def test_urls(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_url_token_fields_and_no_tokens_inside() -> None:
    parsed = parse("보세요 https://example.org/@user/#tag 끝")
    assert parsed.urls == (UrlToken("https://example.org/@user/#tag", 4, 34),)
    assert parsed.mentions == ()
    assert parsed.hashtags == ()


def test_mixed_post() -> None:
    parsed = parse("@anyanglove님 #안양 소식: https://anyang.go.kr에서 확인하세요 #평촌")
    assert [m.acct for m in parsed.mentions] == ["anyanglove"]
    assert [t.name for t in parsed.hashtags] == ["안양", "평촌"]
    assert [u.url for u in parsed.urls] == ["https://anyang.go.kr"]


def test_parse_normalises_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "#안양 @user님")
    parsed = parse(nfd)
    assert parsed.text == "#안양 @user님"
    assert [t.name for t in parsed.hashtags] == ["안양"]
    assert parsed == parse("#안양 @user님")


def test_normalize() -> None:
    assert normalize("a\r\nb\rc\n") == "a\nb\nc\n"
    assert normalize(unicodedata.normalize("NFD", "한글")) == "한글"
    assert normalize("a\x00b") == "ab"
    assert normalize("a\ud800b") == "a\ufffdb"
