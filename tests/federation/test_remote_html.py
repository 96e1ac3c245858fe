"""The sanitiser for HTML other servers send: Mastodon's allow-list, nothing executable out."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.text.remote_html import MAX_TAGS, REL, html_to_text, sanitise_remote_html

FIXTURES = Path(__file__).parent / "fixtures"
ALLOWED_TAGS = {"p", "br", "span", "a", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li",
                "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "rel", "class", "translate"}, "span": {"class", "translate"},
                      "ol": {"start", "reversed"}, "li": {"value"}}
SCHEMES = ("http:", "https:", "dat:", "dweb:", "ipfs:", "ipns:", "ssb:", "gopher:", "xmpp:", "magnet:", "gemini:")
CLASS_PREFIXES = ("h-", "p-", "u-", "dt-", "e-")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    reader = _Elements()
    reader.feed(html)
    reader.close()
    return reader.elements


def assert_safe(html: str) -> None:
    """What a browser would run or load from ``html``: nothing."""
    for tag, attributes in elements(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set()), (tag, attributes)
        if tag == "a":
            href = attributes.get("href")
            assert href is not None and href.lower().startswith(SCHEMES), attributes
            assert attributes.get("rel") == REL
        for name in (attributes.get("class") or "").split():
            assert name.startswith(CLASS_PREFIXES) or name in {"mention", "hashtag", "ellipsis", "invisible"}
        for name in ("start", "value"):
            if attributes.get(name) is not None:
                int(attributes[name] or "")


XSS = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
    '<img src=x onerror=alert(1)>',
    '<p onclick="alert(1)">click</p>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="JaVaScRiPt:alert(1)">js</a>',
    '<a href="java&#x09;script:alert(1)">js</a>',
    '<a href=" javascript:alert(1)">js</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<svg onload=alert(1)><circle/></svg>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="x">',
    '<form action="https://evil.example"><input name=a><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/x.css">',
    '<style>body{display:none}</style>visible',
    '<span class="h-card" onmouseover="alert(1)" style="position:fixed">hover</span>',
    '<<script>script>alert(1)<</script>/script>',
    '<!--<script>alert(1)</script>-->after',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://ok.example" onclick="alert(1)" target="_top" style="x">ok</a>',
    '<template><script>alert(1)</script></template>',
    '<details open ontoggle=alert(1)>',
    '<p title="x" lang="en" dir="rtl" id="a" data-x="1">attributes</p>',
    # Markup smuggled inside attribute values (the post-processing regexes must not unwrap it).
    '<a class="h-a><script>alert(1)</script>" href="https://x.example">t</a>',
    '<a class="h-x<h1>" title="<a>">t</a><span class="u-</a><script>alert(1)</script>">s</span>',
    '<a href="https://x.example/<script>alert(1)</script>">t</a>',
    '<video><source onerror="alert(1)"></video>',
]


@pytest.mark.parametrize("html", XSS)
def test_nothing_executable_survives(html: str) -> None:
    cleaned = sanitise_remote_html(html)
    assert_safe(cleaned)
    lowered = cleaned.lower()
    for needle in ("<script", "<img", "<iframe", "<svg", "<style", "<form", "onerror", "onclick", "onload",
                   "onmouseover", "javascript:", "vbscript:", "data:text", "style="):
        assert needle not in lowered, (needle, cleaned)


def test_script_and_style_content_goes_with_the_tag() -> None:
    assert sanitise_remote_html("<p>a<script>alert(1)</script>b<style>p{}</style>c</p>") == "<p>abc</p>"


def test_dead_links_become_their_text() -> None:
    assert sanitise_remote_html('<p><a href="javascript:alert(1)">js</a> <a href="/relative">rel</a></p>') == (
        "<p>js rel</p>"
    )


def test_allowed_markup_is_kept_and_rel_forced() -> None:
    html = ('<p>A <b>b</b> <i>i</i> <u>u</u> <em>em</em> <strong>s</strong> <del>d</del> <code>c</code></p>'
            '<pre>pre</pre><blockquote>q</blockquote><ul><li>x</li></ul>'
            '<ol start="3" reversed><li value="7">y</li><li value="x">z</li></ol>'
            '<p><a href="https://ok.example/a?b=1" rel="me" target="_blank">ok</a> '
            '<a href="gemini://g.example">gem</a> <a href="mailto:a@b.example">mail</a></p>')
    cleaned = sanitise_remote_html(html)
    assert_safe(cleaned)
    for kept in ("<b>b</b>", "<i>i</i>", "<u>u</u>", "<em>em</em>", "<strong>s</strong>", "<del>d</del>",
                 "<code>c</code>", "<pre>pre</pre>", "<blockquote>q</blockquote>", "<ul><li>x</li></ul>",
                 '<ol start="3" reversed="">', '<li value="7">y</li>', "<li>z</li>",
                 f'<a href="https://ok.example/a?b=1" rel="{REL}">ok</a>',
                 f'<a href="gemini://g.example" rel="{REL}">gem</a>'):
        assert kept in cleaned, (kept, cleaned)
    # mailto is not among the fediverse's link schemes: the text stays, the link goes.
    assert "mail</p>" in cleaned and "mailto" not in cleaned


def test_headings_become_bold_paragraphs() -> None:
    assert sanitise_remote_html('<h1 class="title" id="x">One</h1><h3>Three</h3>') == (
        "<p><strong>One</strong></p><p><strong>Three</strong></p>"
    )


def test_classes_only_microformats_and_mastodons() -> None:
    html = ('<span class="h-card p-name u-photo dt-published e-content mention hashtag ellipsis invisible '
            'fun-red-link quote-inline">x</span>')
    assert sanitise_remote_html(html) == (
        '<span class="h-card p-name u-photo dt-published e-content mention hashtag ellipsis invisible">x</span>'
    )
    assert sanitise_remote_html('<span class="evil">x</span>') == "<span>x</span>"


def test_mastodon_markup_survives() -> None:
    """A Mastodon post's own mention, hashtag and shortened link come through intact (bar rel)."""
    html = ('<p><span class="h-card" translate="no"><a href="https://other.example/@bob" class="u-url mention">'
            '@<span>bob</span></a></span> 평촌 도서관 <a href="https://madang.example/tags/%EC%95%88%EC%96%91" '
            'class="mention hashtag" rel="tag">#<span>안양</span></a> <a href="https://www.anyang.go.kr/portal" '
            'rel="nofollow noopener noreferrer" target="_blank"><span class="invisible">https://www.</span>'
            '<span class="ellipsis">anyang.go.kr/por</span><span class="invisible">tal</span></a></p>')
    cleaned = sanitise_remote_html(html)
    assert_safe(cleaned)
    assert ('<span class="h-card" translate="no"><a href="https://other.example/@bob" class="u-url mention" '
            f'rel="{REL}">@<span>bob</span></a></span>') in cleaned
    assert f'class="mention hashtag" rel="{REL}">#<span>안양</span></a>' in cleaned
    assert '<span class="invisible">https://www.</span><span class="ellipsis">anyang.go.kr/por</span>' in cleaned


def test_pasture_html_inputs_come_out_safe() -> None:
    inputs = json.loads((FIXTURES / "pasture_inputs.json").read_text())
    for html in inputs["html_tags"] + inputs["html_tags_bad"] + inputs["html_anchor"]:
        assert_safe(sanitise_remote_html(html))
    cleaned = {html: sanitise_remote_html(html) for html in inputs["html_tags"]}
    assert cleaned["<b>bold</b>"] == "<b>bold</b>"
    assert cleaned["<h2>h2</h2>"] == "<p><strong>h2</strong></p>"
    assert cleaned["<script>alert('hi');</script>"] == ""
    assert cleaned["<mark>mark</mark>"] == "mark"
    assert cleaned["line<br/>break"] == "line<br />break"


def test_html_to_text() -> None:
    assert html_to_text("<p>첫 줄<br>둘째 줄</p><p>a &amp; b <script>x</script></p>") == "첫 줄\n둘째 줄\n\na & b"
    assert html_to_text("") == ""
    assert html_to_text("<p>목록</p><ul><li>하나</li><li>둘</li></ul><blockquote>인용 &lt;b&gt;</blockquote>") == (
        "목록\n\n하나\n둘\n\n인용 <b>")
    assert html_to_text("<p>a</p>\n\n\n<p>b</p>") == "a\n\nb"
    assert html_to_text('<p><a href="https://x.example" title="t">link</a> &amp; <span class="invisible">x</span></p>') == (
        "link & x")


_PIECES = st.sampled_from([
    "<p>", "</p>", "<a href='javascript:alert(1)'>", "<a href=\"https://x.example\">", "</a>", "<img src=x onerror=y>",
    "<script>", "</script>", "<style>", "<span class='h-card evil' onclick=x>", "</span>", "<h2>", "</h2>",
    "<ol start=x>", "<li value=3>", "<br>", "<!--", "-->", "<svg onload=a>", "\"", "'", ">", "<", "&", "&#x3c;",
    "text", "한글", "javascript:", "<iframe>", "<math>", "<noscript>", "</noscript>", "<title>", "<textarea>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=5), max_size=30))
def test_any_mixture_comes_out_safe(pieces: list[str]) -> None:
    cleaned = sanitise_remote_html("".join(pieces))
    assert_safe(cleaned)
    # Sanitising what is already clean changes nothing that matters.
    assert_safe(sanitise_remote_html(cleaned))


@pytest.mark.parametrize("html", [
    "<ul><li>" * 12_500, "<blockquote>" * 8_000, "<ol>" * 8_000, "<" * 100_000, " " * 100_000, "\n " * 50_000,
    "<a>" * 30_000, '<a href="https://x.example">x' * 4_000, "<h1>" * 10_000, "&amp;" * 20_000,
    "<ul><li>" * (MAX_TAGS // 2),
], ids=lambda h: f"{h[:12]!r}x{len(h)}")
def test_crafted_markup_costs_little(html: str) -> None:
    """100 kB (the post cap) of the markup html5ever or a regex would take quadratic time on."""
    started = time.perf_counter()
    cleaned = sanitise_remote_html(html)
    text = html_to_text(html)
    assert time.perf_counter() - started < 1.0
    assert_safe(cleaned)
    assert isinstance(text, str)


def test_too_much_markup_keeps_the_text() -> None:
    html = "<p><b>가</b></p>" * (MAX_TAGS // 4 + 1) + "<script>alert(1)</script>끝"
    cleaned = sanitise_remote_html(html)
    assert "<b>" not in cleaned and "가" in cleaned and "끝" in cleaned
    assert "<script" not in cleaned  # (its text stays, as text: nothing runs)
    assert_safe(cleaned)
