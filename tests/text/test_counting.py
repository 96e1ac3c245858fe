import unicodedata

import pytest

from madang.text import URL_LENGTH, byte_limit, count_characters, normalize

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("안녕하세요", 5),
        ("가" * 140, 140),
        ("@user@example.org", 5),
        ("@user", 5),
        ("@anyanglove님 안녕", 15),
        ("https://example.org/" + "a" * 180, URL_LENGTH),
        ("보세요 https://anyang.go.kr에서", 4 + URL_LENGTH + 2),
        (FAMILY, 1),
        ("🇰🇷", 1),
        ("👍🏽", 1),
        ("é", 1),
        ("#안양 #Anyang", 11),
        ("kim@anyang.go.kr", 16),
        ("a\r\nb", 3),
    ],
)
def test_count(text: str, expected: int) -> None:
    assert count_characters(text) == expected


def test_url_of_200_characters_counts_23() -> None:
    url = "https://anyang.go.kr/" + "x" * (200 - len("https://anyang.go.kr/"))
    assert len(url) == 200
    assert count_characters(url) == 23
    assert count_characters(f"{url} {url}") == 47


def test_nfd_jamo_counts_like_precomposed_syllables() -> None:
    nfc = "안양시청 민원실"
    nfd = unicodedata.normalize("NFD", nfc)
    assert len(nfd) > len(nfc)
    assert count_characters(nfd) == count_characters(nfc) == 8


def test_conjoining_jamo_that_do_not_compose_are_still_one_character() -> None:
    # Old Hangul: ᄒ ᆞ ᆫ (archaic vowel arae-a) has no precomposed form.
    old = "\u1112\u119E\u11AB"
    assert normalize(old) == old
    assert count_characters(old) == 1


def test_spoiler_is_counted() -> None:
    assert count_characters("본문", spoiler_text="주의") == 4
    assert count_characters("본문", spoiler_text="https://example.org/long/path") == 2 + URL_LENGTH


def test_tokens_do_not_form_across_spoiler_and_text() -> None:
    assert count_characters("example.org", spoiler_text="https://") == 8 + 11


def test_byte_limit_is_generous_but_finite() -> None:
    assert byte_limit(140) == 140 * 64
    assert len(("가" * 140).encode()) <= byte_limit(140)
    assert len((FAMILY * 140).encode()) <= byte_limit(140)
    # One grapheme: a base letter with thousands of combining marks.
    zalgo = "a" + "\u0301" * 10_000
    assert count_characters(zalgo) == 1
    assert len(zalgo.encode()) > byte_limit(140)
