"""Properties over generated posts: Korean, jamo, emoji, marks and token-shaped fragments."""

import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.text import (
    URL_LENGTH,
    HashtagToken,
    MentionToken,
    count_characters,
    normalize,
    parse,
    render_html,
    sanitize_html,
)

FRAGMENTS = [
    "안양", "한글", "님", "에서", "\u1100\u1161", "\u11a8", "\u1112\u119e", "ㅋㅋ",
    "abc", "Anyang", "é", "e\u0301", "\u0301", "漢字", "カナ",
    "@", "@user", "@user@example.org", "@Kim.Lee", "kim@anyang.go.kr", "@", "＠",
    "#", "＃", "#안양", "#1위", "#2010", "·", "・", "\u200c", "\u200d", "\ufe0f",
    "https://", "http://", "https://anyang.go.kr", "https://www.example.org/", "www.",
    "/", "?", "=", "&", "#frag", ":8080", ":99999", "999", "١٢", "-", "_", "xn--", "%EC%95%88", "(", ")", "[", "]", ".", ",", "!", "'", '"',
    "<", ">", "<script>", "&amp;", "&#39;", " on", "onclick=", "javascript:",
    " ", "  ", "\n", "\n\n", "\r\n", "\t", "\xa0", "\u3000", "\x00", "\x0c",
    "👨\u200d👩\u200d👧\u200d👦", "🇰🇷", "👍🏽", "❤️",
]

posts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)),
    max_size=25,
).map("".join)

LIMITS = settings(max_examples=200, deadline=None, database=None)


def mention_url(token: MentionToken) -> str | None:
    if token.username.startswith("K"):
        return None
    return f"https://{token.domain or 'madang.test'}/@{token.username}"


def tag_url(token: HashtagToken) -> str:
    return f"https://madang.test/tags/{token.name}"


def tokens(text: str) -> tuple:
    parsed = parse(text)
    return parsed.mentions, parsed.hashtags, parsed.urls


@LIMITS
@given(posts)
def test_count_is_the_same_for_nfc_and_nfd(text: str) -> None:
    count = count_characters(text)
    assert count_characters(unicodedata.normalize("NFC", text)) == count
    assert count_characters(unicodedata.normalize("NFD", text)) == count
    assert count_characters("", spoiler_text=unicodedata.normalize("NFD", text)) == count


@LIMITS
@given(posts)
def test_parse_is_the_same_for_nfc_and_nfd(text: str) -> None:
    assert parse(unicodedata.normalize("NFD", text)) == parse(unicodedata.normalize("NFC", text))


@LIMITS
@given(posts)
def test_parse_is_stable(text: str) -> None:
    parsed = parse(text)
    assert normalize(parsed.text) == parsed.text
    assert parse(parsed.text) == parsed


@LIMITS
@given(posts)
def test_offsets_slice_exactly_the_tokens(text: str) -> None:
    parsed = parse(text)
    t = parsed.text
    for m in parsed.mentions:
        written = t[m.start : m.end]
        assert written == "@" + m.username + ("" if m.domain is None else "@" + written.rsplit("@", 1)[1])
        assert m.domain is None or written.rsplit("@", 1)[1].lower() == m.domain
    for h in parsed.hashtags:
        assert t[h.start] in "#＃"
        assert t[h.start + 1 : h.end] == h.name
    for u in parsed.urls:
        assert t[u.start : u.end] == u.url
        assert u.url.lower().startswith(("http://", "https://"))
    spans = sorted((x.start, x.end) for group in (parsed.mentions, parsed.hashtags, parsed.urls) for x in group)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start


@LIMITS
@given(posts)
def test_rendered_html_is_a_safe_fixed_point_of_sanitising(text: str) -> None:
    html = render_html(parse(text), mention_url=mention_url, tag_url=tag_url)
    assert sanitize_html(html) == html
    assert "<script" not in html.lower()
    assert not regex.search(r"<[^>]*\son\w*=", html)
    assert (html == "") == (normalize(text).strip() == "")


@LIMITS
@given(posts)
def test_count_is_bounded_by_code_points_and_urls(text: str) -> None:
    parsed = parse(text)
    assert 0 <= count_characters(text) <= len(parsed.text) + URL_LENGTH * len(parsed.urls)


@LIMITS
@given(st.text(max_size=40))
def test_arbitrary_text_never_breaks_anything(text: str) -> None:
    parsed = parse(text)
    html = render_html(parsed, mention_url=mention_url, tag_url=tag_url)
    assert sanitize_html(html) == html
    assert count_characters(text) == count_characters(unicodedata.normalize("NFD", text))
