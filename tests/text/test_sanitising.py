import pytest

from madang.text import html_to_text, parse, render_html, sanitize_html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
        ('<a href="/relative">x</a>', "<a>x</a>"),
        ('<p onclick="alert(1)">x</p>', "<p>x</p>"),
        ('<span onmouseover="alert(1)" style="color:red">x</span>', "<span>x</span>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ("<script>alert(1)</script>안녕", "안녕"),
        ("<style>p{}</style><iframe src='https://evil.example'></iframe>x", "x"),
        ("<!-- comment -->x", "x"),
        ("<svg><script>alert(1)</script></svg>y", "y"),
        ('<div><h1>제목</h1><table><tr><td>x</td></tr></table></div>', "제목x"),
        ("<p>a<br>b<br/>c</p>", "<p>a<br />b<br />c</p>"),
        ('<span class="h-card foo">x</span>', '<span class="h-card">x</span>'),
        ('<span class="bar">x</span>', '<span class="">x</span>'),
        ('<a href="https://x.example" rel="evil tag" target="_top">x</a>', '<a href="https://x.example" rel="tag">x</a>'),
        ('<a href="https://x.example" target="_blank" translate="yes">x</a>', '<a href="https://x.example" target="_blank">x</a>'),
        ('<a href="mailto:kim@anyang.go.kr">메일</a>', '<a href="mailto:kim@anyang.go.kr">메일</a>'),
        (
            "<blockquote><p><strong>굵게</strong> <em>기울임</em> <del>취소</del> <code>x</code></p></blockquote>",
            "<blockquote><p><strong>굵게</strong> <em>기울임</em> <del>취소</del> <code>x</code></p></blockquote>",
        ),
        ("<ul><li>하나</li></ul><ol><li>둘</li></ol><pre>셋</pre>", "<ul><li>하나</li></ul><ol><li>둘</li></ol><pre>셋</pre>"),
    ],
)
def test_sanitize(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


def test_sanitize_is_idempotent_on_hostile_input() -> None:
    hostile = '<p><a href="https://x.example" onclick="x" class="u-url mention evil">@<span>x</span></a><br>'
    once = sanitize_html(hostile)
    assert sanitize_html(once) == once
    assert "onclick" not in once and "evil" not in once


def test_mastodon_markup_from_remote_servers_survives() -> None:
    remote = (
        '<p><span class="h-card" translate="no"><a href="https://example.org/@kim" class="u-url mention">'
        '@<span>kim</span></a></span> 안녕<br />'
        '<a href="https://example.org/tags/안양" class="mention hashtag" rel="tag">#<span>안양</span></a> '
        '<a href="https://www.example.org/" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        '<span class="invisible">https://www.</span><span class="">example.org/</span>'
        '<span class="invisible"></span></a></p>'
    )
    assert sanitize_html(remote) == remote


def test_html_to_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p>첫 줄<br />둘째 줄</p><p>둘째 문단 &amp; &lt;끝&gt;</p>") == (
        "첫 줄\n둘째 줄\n\n둘째 문단 & <끝>"
    )
    assert html_to_text("<p>a</p><ul><li>b</li><li>c</li></ul>") == "a\n\nb\nc"
    assert html_to_text("<p>x</p><script>alert(1)</script>") == "x"


def test_html_to_text_reads_back_rendered_posts() -> None:
    text = "@anyanglove님 #안양 소식\n둘째 줄\n\nhttps://www.anyang.go.kr/main/selectBbsNttList.do?bbsNo=21 <참고>"
    html = render_html(
        parse(text),
        mention_url=lambda m: f"https://madang.test/@{m.username}",
        tag_url=lambda t: f"https://madang.test/tags/{t.name}",
    )
    assert html_to_text(html) == text
