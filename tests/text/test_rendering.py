from madang.text import HashtagToken, MentionToken, parse, render_html, sanitize_html

LOCAL = "https://madang.test"


def mention_url(token: MentionToken) -> str | None:
    if token.username.lower() == "nobody":
        return None
    if token.domain is None:
        return f"{LOCAL}/@{token.username}"
    return f"https://{token.domain}/@{token.username}"


def tag_url(token: HashtagToken) -> str:
    return f"{LOCAL}/tags/{token.name}"


def render(text: str) -> str:
    html = render_html(parse(text), mention_url=mention_url, tag_url=tag_url)
    assert sanitize_html(html) == html
    return html


def test_empty_text_renders_to_empty_string() -> None:
    assert render("") == ""
    assert render("  \n\n ") == ""


def test_paragraphs_and_line_breaks() -> None:
    assert render("안녕하세요") == "<p>안녕하세요</p>"
    assert render("첫 줄\n둘째 줄") == "<p>첫 줄<br />둘째 줄</p>"
    assert render("문단 하나\n\n\n문단 둘\n") == "<p>문단 하나</p><p>문단 둘</p>"
    assert render("\n처음\n\n") == "<p>처음</p>"
    assert render("a\r\n\r\nb") == "<p>a</p><p>b</p>"


def test_text_is_escaped() -> None:
    assert render('<script>alert("x")</script> & 1 < 2') == (
        '<p>&lt;script&gt;alert("x")&lt;/script&gt; &amp; 1 &lt; 2</p>'
    )
    assert render("a\xa0b") == "<p>a&nbsp;b</p>"


def test_local_mention_markup_is_mastodons() -> None:
    assert render("@anyanglove님 안녕하세요") == (
        '<p><span class="h-card" translate="no"><a href="https://madang.test/@anyanglove" '
        'class="u-url mention">@<span>anyanglove</span></a></span>님 안녕하세요</p>'
    )


def test_remote_mention_shows_only_the_username() -> None:
    assert render("문의@Kim@Example.ORG") == (
        '<p>문의<span class="h-card" translate="no"><a href="https://example.org/@Kim" '
        'class="u-url mention">@<span>Kim</span></a></span></p>'
    )


def test_unknown_mention_stays_text() -> None:
    assert render("@nobody@example.org <b>") == "<p>@nobody@example.org &lt;b&gt;</p>"


def test_hashtag_markup() -> None:
    assert render("안녕하세요 #안양") == (
        '<p>안녕하세요 <a href="https://madang.test/tags/안양" class="mention hashtag" rel="tag">'
        "#<span>안양</span></a></p>"
    )
    # Full-width ＃ is shown as '#', the name as typed.
    assert render("＃Anyang") == (
        '<p><a href="https://madang.test/tags/Anyang" class="mention hashtag" rel="tag">'
        "#<span>Anyang</span></a></p>"
    )


def test_short_link_markup() -> None:
    assert render("https://anyang.go.kr에서 확인") == (
        '<p><a href="https://anyang.go.kr" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
        '<span class="invisible">https://</span><span class="">anyang.go.kr</span>'
        '<span class="invisible"></span></a>에서 확인</p>'
    )


def test_long_link_markup() -> None:
    url = "https://www.anyang.go.kr/main/selectBbsNttList.do?bbsNo=21&key=1"
    assert render(url) == (
        f'<p><a href="{url.replace("&", "&amp;")}" target="_blank" '
        'rel="nofollow noopener noreferrer" translate="no">'
        '<span class="invisible">https://www.</span>'
        '<span class="ellipsis">anyang.go.kr/main/selectBbsNtt</span>'
        '<span class="invisible">List.do?bbsNo=21&amp;key=1</span></a></p>'
    )


def test_link_of_exactly_30_characters_after_the_scheme_is_not_cut() -> None:
    rest = "example.org/" + "a" * 18
    assert len(rest) == 30
    html = render(f"http://{rest}")
    assert f'<span class="invisible">http://</span><span class="">{rest}</span><span class="invisible"></span>' in html
    html = render(f"http://{rest}b")
    assert f'<span class="ellipsis">{rest}</span><span class="invisible">b</span>' in html


def test_everything_together() -> None:
    html = render("@anyanglove님 #안양 소식\n\nhttps://anyang.go.kr 참고 <끝>")
    assert html.startswith('<p><span class="h-card" translate="no">')
    assert "</a></span>님 <a href=" in html
    assert "소식</p><p><a href=\"https://anyang.go.kr\"" in html
    assert html.endswith("</a> 참고 &lt;끝&gt;</p>")
