"""Personal data in Korean posts: what is found and how it is masked, what is left alone."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from madang.text import count_characters, parse
from madang.text.personal_data import (
    PersonalData,
    find_personal_data,
    has_personal_data,
    mask_personal_data,
)


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


# (text, kinds found, masked text)
FOUND = [
    # The example: the mention and the words stay, the phone's middle goes.
    ("@anyanglove 가로등이 고장났어요 010-1234-5678", ["phone"], "@anyanglove 가로등이 고장났어요 010-****-5678"),
    # Resident registration numbers, citizens (1-4) and foreigners (5-8).
    ("주민번호 900101-1234567 입니다", ["rrn"], "주민번호 ******-******* 입니다"),
    ("9001012345678로 신청했어요", ["rrn"], "*************로 신청했어요"),
    ("외국인등록번호 850315-5123456", ["rrn"], "외국인등록번호 ******-*******"),
    ("주민번호는 020229 4123456", ["rrn"], "주민번호는 ****** *******"),
    ("９００１０１－１２３４５６７", ["rrn"], "******－*******"),
    ("900101–1234567", ["rrn"], "******–*******"),
    # Mobile numbers, every way they are typed.
    ("연락처 010-1234-5678입니다", ["phone"], "연락처 010-****-5678입니다"),
    ("01012345678로 전화주세요", ["phone"], "010****5678로 전화주세요"),
    ("010 1234 5678", ["phone"], "010 **** 5678"),
    ("010.1234.5678", ["phone"], "010.****.5678"),
    ("010 - 1234 - 5678", ["phone"], "010 - **** - 5678"),
    ("011-123-4567 (예전 번호)", ["phone"], "011-***-4567 (예전 번호)"),
    ("016-1234-5678, 017-123-4567, 018-1234-5678, 019-123-4567", ["phone"] * 4,
     "016-****-5678, 017-***-4567, 018-****-5678, 019-***-4567"),
    ("０１０－１２３４－５６７８", ["phone"], "０１０－****－５６７８"),
    ("010‐1234‐5678 010—1234—5678 010–1234–5678", ["phone"] * 3,
     "010‐****‐5678 010—****—5678 010–****–5678"),
    ("010\u200b1234\u200b5678", ["phone"], "010\u200b****\u200b5678"),
    ("+82 10-1234-5678", ["phone"], "+82 10-****-5678"),
    ("+82-10-1234-5678", ["phone"], "+82-10-****-5678"),
    ("+821012345678", ["phone"], "+8210****5678"),
    ("+82 (0)10 1234 5678", ["phone"], "+82 (0)10 **** 5678"),
    # Landlines, internet phones, representative numbers.
    ("02-123-4567", ["phone"], "02-***-4567"),
    ("(02) 1234-5678", ["phone"], "(02) ****-5678"),
    ("031)467-1234", ["phone"], "031)***-1234"),
    ("안양 031-8045-1234로 문의", ["phone"], "안양 031-****-1234로 문의"),
    ("064.123.4567", ["phone"], "064.***.4567"),
    ("070-1234-5678", ["phone"], "070-****-5678"),
    ("안심번호 0505-123-4567", ["phone"], "안심번호 0505-***-4567"),
    ("1588-1234번으로 전화", ["phone"], "1588-****번으로 전화"),
    ("1644-5678", ["phone"], "1644-****"),
    ("1899-0000", ["phone"], "1899-****"),
    # E-mail: first and last character of the local part stay, the domain stays.
    ("메일 kimcitizen@naver.com 으로", ["email"], "메일 k********n@naver.com 으로"),
    ("kim.lee@anyang.go.kr로 보내주세요", ["email"], "k*****e@anyang.go.kr로 보내주세요"),
    ("문의kim@daum.net", ["email"], "문의k*m@daum.net"),
    ("**kim@naver.com**", ["email"], "**k*m@naver.com**"),
    ("ｋｉｍ＠ｎａｖｅｒ．ｃｏｍ", ["email"], "ｋ*ｍ＠ｎａｖｅｒ．ｃｏｍ"),
    ("01012345678@naver.com", ["email"], "0*********8@naver.com"),
    # Too short a local part to hide: the domain is starred instead.
    ("ab@naver.com", ["email"], "ab@*****.com"),
    ("a@mail.example.kr", ["email"], "a@****.*******.kr"),
    # Car plates, current and older formats, with or without spaces.
    ("12가3456 차량이 불법주차", ["car_plate"], "12가**** 차량이 불법주차"),
    ("123가4567", ["car_plate"], "123가****"),
    ("12 가 3456", ["car_plate"], "12 가 ****"),
    ("서울12가3456", ["car_plate"], "서울12가****"),
    ("경기 34 나 5678 트럭", ["car_plate"], "경기 34 나 **** 트럭"),
    ("택배차 80배1234", ["car_plate"], "택배차 80배****"),
    ("１２가３４５６", ["car_plate"], "１２가****"),
    # Several at once, each masked in place.
    ("홍길동 900101-1234567, 010-1234-5678, hong@naver.com, 12가3456",
     ["rrn", "phone", "email", "car_plate"],
     "홍길동 ******-*******, 010-****-5678, h**g@naver.com, 12가****"),
    ("kim@naver.com010-1234-5678", ["email", "phone"], "k*m@naver.com010-****-5678"),
    # A phone glued to a resident number is found once the number before it is masked (in the
    # same pass: what is found is what masking masks).
    ("900101-1234567-010-1234-5678", ["rrn", "phone"], "******-*******-010-****-5678"),
    # ... and a plate glued to a representative number once the number after it is masked.
    ("12가1588-1234", ["car_plate", "phone"], "12가****-****"),
    # An address whose domain swallowed a number, and the address glued behind that number.
    ("kim@naver.com02-123-4567.kim@naver.com", ["email", "phone", "email"],
     "k*m@naver.com02-***-*******m@naver.com"),
    # A chain of resident numbers, each glued to the one before.
    ("900101-1234567-" * 3 + "010-1234-5678", ["rrn"] * 3 + ["phone"], "******-*******-" * 3 + "010-****-5678"),
]


@pytest.mark.parametrize(("text", "expected_kinds", "masked"), FOUND)
def test_found_and_masked(text: str, expected_kinds: list[str], masked: str) -> None:
    assert kinds(text) == expected_kinds
    assert has_personal_data(text)
    assert mask_personal_data(text) == masked
    assert len(masked) == len(text)


NOT_FOUND = [
    "2026-11-25 민원 접수",
    "2026.11.25 오후 2시",
    "26.11.25 ~ 26.12.31",
    "09:00-18:00 운영",
    "10:30~12:00",
    "1,234,567원 지원",
    "15000000원",
    "예산 12억3456만원",
    "참가자 1500-2000명",
    "1592-1598년 임진왜란",
    "1800-1900",
    "2026년 예산",
    "#2026년 #안양 #1위",
    "우편번호 14054",
    "(우)430-010",
    "사업자등록번호 123-45-67890",
    "민원번호 2026-000123",
    "접수번호 20261125-0001",
    "전화 02-11-25",
    "ISBN 9788912345678",
    "주문번호 2026112512345",
    "버전 1.0.2-123",
    "10가지 방법",
    "만안로 12가길 34",
    "종로5가 1234번지",
    "https://anyang.go.kr/board/view?id=01012345678",
    "https://example.org/users/900101-1234567",
    "자세히는 https://anyang.go.kr/010-1234-5678에서",
    "@user01012345678 님",
    "#민원01012345678",
    "@kim@naver.com 님께",
    "@user010-1234-5678@",
    "@anyanglove 가로등이 고장났어요",
    "k*m@naver.com",
    "010-****-5678",
    "******-*******",
    "12가****",
    "1588-****",
    "",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_personal_data(text: str) -> None:
    assert find_personal_data(text) == []
    assert not has_personal_data(text)
    assert mask_personal_data(text) == text


def test_finding_carries_offsets_into_the_text_as_given() -> None:
    text = "연락처：０１０－１２３４－５６７８ 또는 kim@naver.com"
    found = find_personal_data(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [
        ("phone", "０１０－１２３４－５６７８"),
        ("email", "kim@naver.com"),
    ]
    assert [f.text for f in found] == ["０１０－１２３４－５６７８", "kim@naver.com"]


def test_repr_does_not_carry_the_data() -> None:
    (finding,) = find_personal_data("010-1234-5678")
    assert "1234" not in repr(finding)
    assert finding == PersonalData("phone", 0, 13, "010-1234-5678")


def test_keep_leaves_the_organisations_own_numbers() -> None:
    answer = "담당부서 031-8045-2114, 메일 desk@anyang.go.kr. 민원인 연락처 010-1234-5678"
    keep = ["031 8045 2114", "DESK@anyang.go.kr"]
    assert kinds(answer) == ["phone", "email", "phone"]
    assert [f.text for f in find_personal_data(answer, keep=keep)] == ["010-1234-5678"]
    assert mask_personal_data(answer, keep=keep) == (
        "담당부서 031-8045-2114, 메일 desk@anyang.go.kr. 민원인 연락처 010-****-5678"
    )
    assert mask_personal_data("+82 31-8045-2114", keep=keep) == "+82 31-8045-2114"


def test_masking_never_creates_a_mention_or_link() -> None:
    # Digits glued before `@user` keep it from being a mention; stars would not.
    masked = mask_personal_data("9001011234567@anyanglove")
    assert masked == "************7@anyanglove"
    assert parse(masked).mentions == ()
    assert parse(mask_personal_data("12가3456https://anyang.go.kr")).urls == ()


def test_masked_text_renders_like_the_original() -> None:
    text = "@anyanglove 가로등이 고장났어요 010-1234-5678 #안양 https://anyang.go.kr/a/1"
    masked = mask_personal_data(text)
    assert masked == "@anyanglove 가로등이 고장났어요 010-****-5678 #안양 https://anyang.go.kr/a/1"
    assert count_characters(masked) == count_characters(text)
    before, after = parse(text), parse(masked)
    assert (after.mentions, after.hashtags, after.urls) == (before.mentions, before.hashtags, before.urls)


# --- properties ---------------------------------------------------------------------

FRAGMENTS = [
    "안양", "가로등", "님", "에서", "로", "가", "나", "배", "서울", "경기", "원", "명", "년", "번지",
    "0", "1", "2", "5", "8", "9", "00", "01", "010", "02", "031", "070", "1588", "1500", "82", "+82",
    "12", "123", "1234", "5678", "0000", "900101", "1234567", "9001011234567", "12가3456",
    "010-1234-5678", "01012345678", "900101-1234567", "kim@naver.com", "ab@x.kr",
    "０", "１", "５", "－", "–", "—", "‐", "\u200b", "\u3000", "٣",
    "-", ".", " ", "  ", ",", "(", ")", "*", "**", "***", ":", "~", "\n",
    "@", "＠", "@user", "@user@example.org", "#", "＃", "#안양", "#2026년",
    "https://", "https://anyang.go.kr/", "https://anyang.go.kr/a?id=", "h", "http",
    "kim", "a", "_", "x", ".com", ".kr", "naver",
]

posts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=20).map("".join)
LIMITS = settings(max_examples=300, deadline=None, database=None)


@LIMITS
@given(posts)
def test_masking_is_idempotent(text: str) -> None:
    masked = mask_personal_data(text)
    assert mask_personal_data(masked) == masked


@LIMITS
@given(posts)
def test_masked_text_holds_no_finding(text: str) -> None:
    masked = mask_personal_data(text)
    assert find_personal_data(masked) == []
    assert not has_personal_data(masked)


@LIMITS
@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"], blacklist_characters="@＠"), max_size=60))
def test_text_without_digits_or_at_is_unchanged(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask_personal_data(text) == text


@LIMITS
@given(posts)
def test_findings_are_ordered_spans_of_the_text(text: str) -> None:
    # Spans may overlap where masking one finding uncovered the next (`12가1588-1234`: the plate
    # takes the number's first group once its last is starred); the starred characters do not.
    found = find_personal_data(text)
    position = -1
    for finding in found:
        assert position < finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        position = finding.start
    assert has_personal_data(text) == bool(found)


@LIMITS
@given(posts)
def test_masking_keeps_length_and_tokens(text: str) -> None:
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    # Only characters inside findings change, and only to stars.
    assert all(a == b or b == "*" for a, b in zip(text, masked, strict=True))
    before, after = parse(text), parse(masked)
    assert (after.mentions, after.hashtags, after.urls) == (before.mentions, before.hashtags, before.urls)
    assert count_characters(masked) == count_characters(text)
